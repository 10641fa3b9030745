import fc from 'fast-check'
import { QueryError } from '@galley/core'
import { describe, expect, it } from 'vitest'
import { ifMatchRevision, parseQuery, QUERY_LIMITS } from './query-params'
import { assertSafeText } from './unsafe-text'

const ALLOWED = ['where', 'limit', 'page', 'sort', 'depth', 'perspective', 'draft'] as const
const parse = (qs: string) => parseQuery(new URLSearchParams(qs), ALLOWED, 'GET /api/:collection')

/** Where-shaped trees: field → operator → string, with and/or lists. */
const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}$/).filter((k) => k !== 'and' && k !== 'or')
const where: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ tree: Record<string, unknown> }>(
  (tie) => ({
    tree: fc.oneof(
      // At most 6 and/or levels: 2 brackets each, plus field and operator, stay within the parser's 20.
      { depthSize: 'small', withCrossShrink: true, maxDepth: 6 },
      fc.dictionary(
        key,
        fc.dictionary(
          fc.constantFrom('equals', 'like', 'gt', 'in'),
          fc.string({ minLength: 1, maxLength: 6 }),
          { minKeys: 1, maxKeys: 2 },
        ),
        { minKeys: 1, maxKeys: 3 },
      ),
      fc.record({ or: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ and: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    ),
  }),
).tree

function toBrackets(w: unknown, prefix = 'where'): string[] {
  if (typeof w !== 'object' || w === null) return [`${prefix}=${encodeURIComponent(String(w))}`]
  return Object.entries(w).flatMap(([k, v]) => toBrackets(v, `${prefix}[${encodeURIComponent(k)}]`))
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

describe('parseQuery', () => {
  it('reads the bracket form back into the tree it came from', () => {
    fc.assert(
      fc.property(where, (w) => {
        const parsed = parse(toBrackets(w).join('&'))
        expect(plain(parsed.where)).toEqual(w)
      }),
    )
  })

  it('reads the JSON form, and both forms agree', () => {
    fc.assert(
      fc.property(where, (w) => {
        expect(parse(`where=${encodeURIComponent(JSON.stringify(w))}`).where).toEqual(w)
      }),
    )
  })

  it('never throws anything but a QueryError, whatever the query string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (qs) => {
        try {
          parse(qs)
        } catch (err) {
          expect(err).toBeInstanceOf(QueryError)
          expect((err as Error).message.length).toBeGreaterThan(10)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('builds no prototype chain from hostile keys', () => {
    for (const qs of [
      'where[__proto__][polluted]=1',
      'where[constructor][prototype][x]=1',
      'where[a][prototype]=1',
    ]) {
      expect(() => parse(qs)).toThrow(QueryError)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('keeps plain parameters and refuses unknown or repeated ones', () => {
    expect(parse('limit=5&sort=-title').params).toEqual(
      new Map([
        ['limit', '5'],
        ['sort', '-title'],
      ]),
    )
    expect(() => parse('limit=1&limit=2')).toThrow(/twice/)
    expect(() => parse('bogus=1')).toThrow(/Unknown query parameter 'bogus'/)
    expect(() => parse('token=abc')).toThrow(/Authorization: Bearer/)
  })

  it('bounds the number of parameters, nesting and indexes', () => {
    expect(() =>
      parse(
        Array.from({ length: QUERY_LIMITS.params + 1 }, (_, i) => `where[f${i}][equals]=1`).join(
          '&',
        ),
      ),
    ).toThrow(/At most/)
    expect(() => parse(`where${'[a]'.repeat(QUERY_LIMITS.segments + 1)}=1`)).toThrow(/deeper/)
    expect(() => parse('where[or][1000][a][equals]=1')).toThrow(/larger than/)
  })

  it('numbers and/or branches [0], [1], …, and takes the where parser’s 8 levels (found by review)', () => {
    for (const bad of ['a', '-1', '01', '1.5', ' 1'])
      expect(() => parse(`where[or][${encodeURIComponent(bad)}][title][equals]=x`), bad).toThrow(
        /numbered \[0\], \[1\]/,
      )
    // Eight levels of or, a field, an operator and an `in` index: 19 brackets.
    const deep = `where${'[or][0]'.repeat(8)}[title][in][0]=x`
    let expected: unknown = { title: { in: ['x'] } }
    for (let i = 0; i < 8; i++) expected = { or: [expected] }
    expect(plain(parse(deep).where)).toEqual(expected)
  })

  it('orders indexed lists by index, not by arrival', () => {
    expect(plain(parse('where[or][1][b][equals]=2&where[or][0][a][equals]=1').where)).toEqual({
      or: [{ a: { equals: '1' } }, { b: { equals: '2' } }],
    })
  })

  it('refuses NUL characters and lone surrogates', () => {
    expect(() => parse('where[title][equals]=%00')).toThrow(/NUL/)
    // URLSearchParams already turns lone surrogates into U+FFFD; JSON bodies are checked by assertSafeText.
    expect(() => assertSafeText(JSON.parse('{"a":["\\ud800"]}'), 'The body')).toThrow(/surrogate/)
    expect(() => assertSafeText({ ok: 'caf\u00e9 \ud83d\ude00' }, 'The body')).not.toThrow()
  })
})

describe('ifMatchRevision', () => {
  it('accepts a bare, quoted or weak revision id; * and absent mean no check', () => {
    expect(ifMatchRevision('01abc')).toBe('01abc')
    expect(ifMatchRevision('"01abc"')).toBe('01abc')
    expect(ifMatchRevision('W/"01abc"')).toBe('01abc')
    expect(ifMatchRevision('*')).toBeUndefined()
    expect(ifMatchRevision(undefined)).toBeUndefined()
    expect(() => ifMatchRevision('"a", "b"')).toThrow(QueryError)
    expect(() => ifMatchRevision('')).toThrow(QueryError)
  })
})
