import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ContentMemo, contentMemoBytes } from './content-memo'

/** Same values, same key order, same prototypes: what JSON.parse would have given. */
function expectParsedAlike(got: unknown, want: unknown): void {
  expect(got).toStrictEqual(want)
  // toStrictEqual ignores key order; a document's fields come back in the order stored.
  expect(JSON.stringify(got)).toBe(JSON.stringify(want))
}

describe('ContentMemo', () => {
  it('gives what JSON.parse gives, every time, as objects of its own (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const memo = new ContentMemo(1 << 20)
        const text = JSON.stringify({ a, b })
        const first = memo.parse('r1', text)
        const second = memo.parse('r1', text)
        expectParsedAlike(first, JSON.parse(text))
        expectParsedAlike(second, JSON.parse(text))
        expect(second).not.toBe(first)
        // A caller changing its copy changes nothing the next caller gets.
        ;(first as Record<string, unknown>).a = 'changed'
        ;(second as Record<string, unknown>).b = 'changed'
        expectParsedAlike(memo.parse('r1', text), JSON.parse(text))
      }),
    )
  })

  it('copies nested objects and arrays, not only the top level', () => {
    const memo = new ContentMemo()
    const text = '{"blocks":[{"type":"p","children":[{"text":"hi"}]}],"meta":{"tags":["a"]}}'
    const first = memo.parse('r1', text) as any
    first.blocks[0].children[0].text = 'changed'
    first.meta.tags.push('b')
    expect(memo.parse('r1', text)).toEqual(JSON.parse(text))
  })

  it('answers with the row text, never with other content kept under its revision id', () => {
    const memo = new ContentMemo()
    expect(memo.parse('r1', '{"title":"old"}')).toEqual({ title: 'old' })
    // The same revision id with other text (a restored backup, another tool's write).
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
    expect(memo.bytes).toBe('{"title":"new"}'.length)
  })

  it('keeps a key __proto__ as an own property, as JSON.parse does', () => {
    const memo = new ContentMemo()
    const text = '{"__proto__":{"polluted":true},"title":"t"}'
    for (let i = 0; i < 2; i++) {
      const v = memo.parse('r1', text) as Record<string, unknown>
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
      expect(Object.keys(v)).toEqual(['__proto__', 'title'])
      expect((v as { polluted?: unknown }).polluted).toBeUndefined()
      expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true })
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('parses content nested deeper than it copies every time, and keeps none of it', () => {
    const memo = new ContentMemo()
    const text = `${'['.repeat(1000)}1${']'.repeat(1000)}`
    const deep = `{"a":${text}}`
    expect(JSON.stringify(memo.parse('r1', deep))).toBe(deep)
    expect(JSON.stringify(memo.parse('r1', deep))).toBe(deep)
    expect(memo.bytes).toBe(0)
  })

  it('keeps at most maxBytes of text, letting the oldest unread go first', () => {
    const memo = new ContentMemo(1000)
    const text = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(40) })
    for (let i = 0; i < 100; i++) {
      memo.parse(`r${i}`, text(i))
      expect(memo.bytes).toBeLessThanOrEqual(1000)
      // r0 is read again and again, so it survives the others.
      memo.parse('r0', text(0))
    }
    expect(memo.bytes).toBeGreaterThan(900)
    // Still correct for anything asked again, kept or not.
    for (let i = 0; i < 100; i++) expect(memo.parse(`r${i}`, text(i))).toEqual(JSON.parse(text(i)))
  })

  it('keeps nothing at maxBytes 0, nor text larger than a sixteenth of it', () => {
    const off = new ContentMemo(0)
    expect(off.parse('r1', '{"a":1}')).toEqual({ a: 1 })
    expect(off.bytes).toBe(0)
    const small = new ContentMemo(160)
    small.parse('r1', JSON.stringify({ a: 'x'.repeat(20) }))
    expect(small.bytes).toBe(0)
  })

  it('returns what is not an object as it parsed it, and refuses what is not JSON', () => {
    const memo = new ContentMemo()
    expect(memo.parse('r1', '"text"')).toBe('text')
    expect(memo.parse('r1', 'null')).toBeNull()
    expect(() => memo.parse('r2', '{"a":')).toThrow(SyntaxError)
  })

  it('refuses a budget that is not a non-negative number, naming the option', () => {
    expect(contentMemoBytes(undefined)).toBe(16 * 1024 * 1024)
    expect(contentMemoBytes(false)).toBe(0)
    expect(contentMemoBytes({ maxBytes: 1024 })).toBe(1024)
    expect(() => contentMemoBytes({ maxBytes: -1 }, 'sqlite({ contentMemo })')).toThrow(
      /sqlite\(\{ contentMemo \}\): maxBytes must be a non-negative number/,
    )
    expect(() => contentMemoBytes({ maxBytes: '16mb' as unknown as number })).toThrow(/got 16mb/)
    expect(() => contentMemoBytes({ maxBytes: Infinity })).toThrow(/non-negative/)
  })
})
