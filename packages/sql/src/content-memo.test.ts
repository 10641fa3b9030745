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

  it('copies each shape of document with its own keys, whatever characters they hold', () => {
    const memo = new ContentMemo()
    const texts = [
      '{"a":1,"b":2}',
      '{"a\\u0000vb":3}',
      '{"a":{"x":1},"b":2}',
      '{"b":2,"a":1}',
      '{"a\\"b":1,"c\\\\":[1,{"d":"e"}],"\\u2028":"ls"}',
    ]
    for (let i = 0; i < 3; i++)
      texts.forEach((t, j) => expectParsedAlike(memo.parse(`r${j}`, t), JSON.parse(t)))
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
    for (let i = 0; i < 3; i++)
      expect(memo.parse('r1', '{"title":"old"}')).toEqual({ title: 'old' })
    // The same revision id with other text (a restored backup, another tool's write).
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
    // The old entry went: one entry, for the new text.
    expect(memo.size).toBe(1)
    expect(memo.parse('r1', '{"title":"new"}')).toEqual({ title: 'new' })
  })

  it('keeps content from its second read on: the first keeps nothing', () => {
    const memo = new ContentMemo()
    const text = JSON.stringify({ title: 't', body: 'x'.repeat(500) })
    memo.parse('r1', text)
    expect([memo.size, memo.bytes, memo.stateOf('r1')]).toEqual([0, 0, undefined])
    memo.parse('r1', text)
    expect(memo.stateOf('r1')).toBe('kept')
    // The text, and the parsed value with its 500-character string.
    expect(memo.bytes).toBeGreaterThan(text.length + 500)
    expect(memo.parse('r1', text)).toEqual(JSON.parse(text))
  })

  it('keeps nothing of a scan that reads each revision once', () => {
    const memo = new ContentMemo()
    for (let i = 0; i < 50_000; i++) memo.parse(`rev-${i}`, `{"i":${i}}`)
    // Only the doorkeeper's false "seen" (two ids on one bit): about n² / 2 of its 2^19 bits.
    expect(memo.size).toBeLessThan(50_000 / 20)
  })

  it('parses every time what copies no faster: wide objects, index-like keys, deep nesting', () => {
    const wide = JSON.stringify(
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, i])),
    )
    const narrow = JSON.stringify(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i])),
    )
    const years = JSON.stringify({ title: 't', byYear: { '2024': 1, '1999': 2 } })
    const deep = `{"a":${'['.repeat(64)}1${']'.repeat(64)}}`
    const shallowEnough = `{"a":${'['.repeat(63)}1${']'.repeat(63)}}`
    for (const [text, kept] of [
      [wide, false],
      [narrow, true],
      [years, false],
      [deep, false],
      [shallowEnough, true],
    ] as const) {
      const memo = new ContentMemo()
      for (let i = 0; i < 3; i++) expectParsedAlike(memo.parse('r1', text), JSON.parse(text))
      expect(memo.stateOf('r1'), text.slice(0, 40)).toBe(kept ? 'kept' : 'parsed')
    }
  })

  it('copies content nested a thousand levels deep correctly (parsed, not copied)', () => {
    const memo = new ContentMemo()
    const deep = `{"a":${'['.repeat(1000)}1${']'.repeat(1000)}}`
    for (let i = 0; i < 3; i++) expect(JSON.stringify(memo.parse('r1', deep))).toBe(deep)
  })

  it('keeps at most maxBytes, letting the oldest unread go first', () => {
    const memo = new ContentMemo(64 * 1024)
    const text = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(200) })
    for (let i = 0; i < 2000; i++) {
      memo.parse(`r${i}`, text(i))
      memo.parse(`r${i}`, text(i))
      expect(memo.bytes).toBeLessThanOrEqual(64 * 1024)
      // r0 is read again and again, so it survives the others.
      memo.parse('r0', text(0))
    }
    expect(memo.bytes).toBeGreaterThan(60 * 1024)
    expect(memo.size).toBeLessThan(200)
    // r0 is still kept: a hit copies, so the bytes do not move.
    const before = memo.bytes
    expect(memo.parse('r0', text(0))).toEqual(JSON.parse(text(0)))
    expect(memo.bytes).toBe(before)
    // Still correct for anything asked again, kept or not.
    for (let i = 0; i < 2000; i += 7)
      expect(memo.parse(`r${i}`, text(i))).toEqual(JSON.parse(text(i)))
  })

  it('lets entries go in constant time, however many are kept (CLOCK, not a Map walk)', () => {
    // Found by review: each entry let go walked the Map from its start, past every slot
    // deleted since its last rehash: 10 µs at 30,000 entries. Timed against a small memo
    // in the same test, so the machine's load is on both sides.
    const churn = (entries: number) => {
      const text = (i: number) => `{"i":${i}}`
      const memo = new ContentMemo(entries * (192 + 10))
      for (let i = 0; i < entries; i++) memo.parse(`r${i}`, text(i))
      const started = performance.now()
      for (let i = entries; i < entries + 20_000; i++) memo.parse(`r${i}`, text(i))
      return performance.now() - started
    }
    churn(300) // warm-up
    const small = Math.min(churn(300), churn(300))
    const large = Math.min(churn(30_000), churn(30_000))
    expect(large).toBeLessThan(small * 4 + 20)
  })

  it('keeps less while what it keeps is let go before it is read again, and recovers', () => {
    // Found by review: reading more content than the budget in a cycle made every read a
    // parse and a copy for nothing (2.5× a parse).
    const memo = new ContentMemo(256 * 1024)
    const text = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(300) })
    for (let pass = 0; pass < 6; pass++) for (let i = 0; i < 5000; i++) memo.parse(`r${i}`, text(i))
    expect(memo.keepsEvery).toBeGreaterThan(1)
    // A working set that fits, read again and again: back to keeping every second read.
    for (let pass = 0; pass < 400; pass++)
      for (let i = 0; i < 100; i++) memo.parse(`w${i}`, text(i))
    expect(memo.keepsEvery).toBe(1)
    expect(memo.stateOf('w7')).toBe('kept')
  })

  it('marks content too large to keep, so that no read copies it again', () => {
    const memo = new ContentMemo(16 * 1024)
    const big = JSON.stringify({ a: 'x'.repeat(2000) })
    for (let i = 0; i < 3; i++) expect(memo.parse('r1', big)).toEqual(JSON.parse(big))
    expect(memo.stateOf('r1')).toBe('parsed')
    // The mark holds neither the text nor the row it came in.
    expect(memo.bytes).toBeLessThan(1000)
  })

  it('marks content under any revision id, lone surrogates too', () => {
    const memo = new ContentMemo(16 * 1024)
    const big = JSON.stringify({ a: 'x'.repeat(2000) })
    for (const rev of ['\ud800-rev', 'rev-\udfff', 'plain'])
      for (let i = 0; i < 4; i++) {
        expect(memo.parse(rev, big)).toEqual(JSON.parse(big))
        expect(memo.size).toBeLessThanOrEqual(3)
      }
    expect(memo.stateOf('\ud800-rev')).toBe('parsed')
  })

  it('copies correctly past the shapes it compiles copiers for', () => {
    const memo = new ContentMemo()
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < 300; i++) {
        const text = JSON.stringify({ [`k${i}`]: i, [`n${i}`]: { i } })
        expectParsedAlike(memo.parse(`r${i}`, text), JSON.parse(text))
      }
  })

  it('keeps nothing at maxBytes 0, nor content over a sixteenth of it', () => {
    const off = new ContentMemo(0)
    for (let i = 0; i < 3; i++) expect(off.parse('r1', '{"a":1}')).toEqual({ a: 1 })
    expect(off.bytes).toBe(0)
    const small = new ContentMemo(16 * 1024)
    for (let i = 0; i < 3; i++) small.parse('r1', JSON.stringify({ a: 'x'.repeat(1024) }))
    expect(small.bytes).toBeLessThan(1024)
  })

  it('returns what is not an object as it parsed it, and refuses what is not JSON', () => {
    const memo = new ContentMemo()
    expect(memo.parse('r1', '"text"')).toBe('text')
    expect(memo.parse('r1', 'null')).toBeNull()
    expect(() => memo.parse('r2', '{"a":')).toThrow(SyntaxError)
  })

  it('refuses an option that is not false or { maxBytes }, naming the option', () => {
    expect(contentMemoBytes(undefined)).toBe(16 * 1024 * 1024)
    expect(contentMemoBytes(false)).toBe(0)
    expect(contentMemoBytes({})).toBe(16 * 1024 * 1024)
    expect(contentMemoBytes({ maxBytes: 1024 })).toBe(1024)
    expect(() => contentMemoBytes({ maxBytes: -1 }, 'sqlite({ contentMemo })')).toThrow(
      /sqlite\(\{ contentMemo \}\): maxBytes must be a non-negative number/,
    )
    expect(() => contentMemoBytes({ maxBytes: '16mb' })).toThrow(/got "16mb"/)
    expect(() => contentMemoBytes({ maxBytes: Infinity })).toThrow(/non-negative/)
    expect(() => contentMemoBytes({ maxBytes: null })).toThrow(/got null/)
    // Read naturally as "off" or "a number of bytes", none of these may silently mean 16 MiB.
    for (const bad of [true, 0, 1024, null, 'off', '1024', 2n])
      expect(() => contentMemoBytes(bad), String(bad)).toThrow(/expected \{ maxBytes \} or false/)
    expect(() => contentMemoBytes([])).toThrow(/got an array/)
    expect(() => contentMemoBytes({ maxbytes: 10 })).toThrow(/unknown option 'maxbytes'/)
    // Only its own maxBytes counts, not one inherited through a prototype.
    expect(contentMemoBytes(Object.create({ maxBytes: 5 }))).toBe(16 * 1024 * 1024)
  })
})
