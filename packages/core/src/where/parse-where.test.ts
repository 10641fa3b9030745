import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { QueryError } from '../errors'
import type { Field } from '../fields/field-types'
import { collectFieldPaths } from './field-paths'
import { WHERE_LIMITS, parseWhere } from './parse-where'
import { arrayScans, whereCost } from './where-cost'
import type { Where, WhereCondition, WhereGroup } from './where-types'

/** Arrays nested `n` deep, each with a text field `t`: `a.t`, `a.a.t`, … */
function nestedArrays(n: number): Field {
  let field: Field = { name: 't', type: 'text' }
  for (let i = 0; i < n; i++)
    field = {
      name: 'a',
      type: 'array',
      fields: i === 0 ? [field] : [field, { name: 't', type: 'text' }],
    }
  return field
}

const fields: Field[] = [
  { name: 'title', type: 'text' },
  { name: 'views', type: 'number' },
  { name: 'when', type: 'date' },
  { name: 'meta', type: 'group', fields: [{ name: 'at', type: 'date' }] },
  { name: 'rows', type: 'array', fields: [{ name: 'at', type: 'date' }] },
  nestedArrays(20),
]
const paths = collectFieldPaths(fields)
const parse = (where: unknown) => parseWhere(where, paths, 'posts')
const only = (where: unknown) => {
  const node = parse(where) as WhereGroup
  return node.children[0] as WhereCondition
}
const deepPath = (n: number) => `${'a.'.repeat(n)}t`

function queryError(where: unknown): QueryError {
  try {
    parse(where)
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError)
    return e as QueryError
  }
  throw new Error(`parseWhere accepted ${JSON.stringify(where).slice(0, 200)}`)
}

describe('parseWhere: dates', () => {
  it.each(['createdAt', 'updatedAt', 'when', 'meta.at', 'rows.at'])(
    '%s takes ISO 8601 and compares the stored form',
    (path) => {
      expect(only({ [path]: { gt: '2026-01-31' } }).value).toBe('2026-01-31T00:00:00.000Z')
      expect(only({ [path]: { equals: '2026-01-31T12:00+02:00' } }).value).toBe(
        '2026-01-31T10:00:00.000Z',
      )
      expect(only({ [path]: { in: '2026-01-01,2026-02-01T00:00:00Z' } }).value).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-02-01T00:00:00.000Z',
      ])
      expect(only({ [path]: { lte: new Date('2026-03-01T00:00:00Z') } }).value).toBe(
        '2026-03-01T00:00:00.000Z',
      )
    },
  )

  it.each(['createdAt', 'updatedAt', 'when', 'meta.at', 'rows.at'])(
    '%s refuses what is not a date, naming the path',
    (path) => {
      for (const op of ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte']) {
        const e = queryError({ [path]: { [op]: 'not-a-date' } })
        expect(e.message).toContain(`where.${path}.${op}`)
        expect(e.message).toContain('ISO 8601')
      }
      expect(queryError({ [path]: { in: ['2026-01-01', 'soon'] } }).message).toContain(
        `where.${path}.in[1]`,
      )
      expect(queryError({ [path]: { gt: 1767225600000 } }).message).toContain('ISO 8601')
      expect(queryError({ [path]: { gt: '2026-02-30' } }).message).toContain('ISO 8601')
      expect(queryError({ [path]: { gt: new Date(Number.NaN) } }).message).toContain('ISO 8601')
      expect(queryError({ or: [{ [path]: { lt: 'yesterday' } }] }).message).toContain(
        `where.or[0].${path}.lt`,
      )
    },
  )

  it('keeps like / contains on a date as text, and null for equals', () => {
    expect(only({ when: { contains: '2026-01' } }).value).toBe('2026-01')
    expect(only({ createdAt: { like: '2026' } }).value).toBe('2026')
    expect(only({ when: { equals: null } }).value).toBeNull()
  })
})

describe('parseWhere: errors quote what was sent, cut', () => {
  it('an unknown field or operator of 100,000 characters is quoted in 80', () => {
    const long = 'x'.repeat(100_000)
    for (const where of [{ [long]: { equals: 1 } }, { title: { [long]: 1 } }]) {
      let message = ''
      try {
        parseWhere(where, paths, 'posts')
      } catch (err) {
        expect(err).toBeInstanceOf(QueryError)
        message = (err as Error).message
      }
      expect(message).toMatch(/xxx…'/)
      expect(message.length).toBeLessThan(400)
    }
  })

  it('reads number text as decimal only: no hex, binary, octal, padding or Infinity', () => {
    const value = (v: unknown) => {
      const node = parseWhere({ views: { gt: v } }, paths, 'posts') as {
        children: Array<{ value: unknown }>
      }
      return node.children[0]!.value
    }
    for (const [text, n] of [
      ['16', 16],
      ['-1.5', -1.5],
      ['+3', 3],
      ['2e3', 2000],
      ['.5', 0.5],
      ['7.', 7],
    ] as const)
      expect(value(text), text).toBe(n)
    for (const bad of ['0x10', '0b1', '0o7', ' 12 ', 'Infinity', '1_000', '', '1e', '--1'])
      expect(() => value(bad), JSON.stringify(bad)).toThrow(/expected a decimal number/)
  })

  it('a number too large for JSON (1e400 parses to Infinity) is named as such', () => {
    expect(() => parseWhere({ views: { equals: Infinity } }, paths, 'posts')).toThrow(
      /number Infinity, beyond what JSON holds/,
    )
  })
})

describe('parseWhere: _status', () => {
  it('takes the three statuses and refuses anything else', () => {
    for (const s of ['draft', 'published', 'changed'])
      expect(only({ _status: { equals: s } }).value).toBe(s)
    expect(only({ _status: { in: ['draft', 'changed'] } }).value).toEqual(['draft', 'changed'])
    expect(only({ _status: { exists: false } }).value).toBe(false)
    const e = queryError({ _status: { equals: 'Published' } })
    expect(e.message).toContain('where._status.equals')
    expect(e.message).toContain('draft, published, changed')
    expect(queryError({ _status: { not_in: ['published', 'live'] } }).message).toContain(
      'where._status.not_in[1]',
    )
  })
})

describe('parseWhere: limits describe the SQL', () => {
  const inList = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
  const lists = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      title: { in: inList(WHERE_LIMITS.listValues, `${i}-`) },
    }))

  it(`accepts ${WHERE_LIMITS.parameters} bound values and refuses one more, naming the path`, () => {
    const per = WHERE_LIMITS.listValues
    const full = WHERE_LIMITS.parameters / per
    expect(whereCost(parse({ or: lists(full) })).parameters).toBe(WHERE_LIMITS.parameters)
    const e = queryError({ or: [...lists(full), { title: { equals: 'one more' } }] })
    expect(e.message).toContain(`where.or[${full}].title.equals`)
    expect(e.message).toContain(String(WHERE_LIMITS.parameters))
    expect(e.message).toContain('WHERE_LIMITS.parameters')
  })

  it(`accepts ${WHERE_LIMITS.likeWords} like words in all and refuses one more`, () => {
    const words = (n: number) => Array(n).fill('a').join(' ')
    const half = WHERE_LIMITS.likeWords / 2
    expect(
      whereCost(parse({ or: [{ title: { like: words(half) } }, { title: { like: words(half) } }] }))
        .parameters,
    ).toBe(WHERE_LIMITS.likeWords)
    const e = queryError({
      or: [{ title: { like: words(half) } }, { title: { like: words(half + 1) } }],
    })
    expect(e.message).toContain('where.or[1].title.like')
    expect(e.message).toContain(`${WHERE_LIMITS.likeWords} 'like' words`)
    expect(e.message).toContain('WHERE_LIMITS.likeWords')
    // The review's query: 995 words in one like.
    expect(queryError({ title: { like: words(995) } }).message).toContain('where.title.like')
  })

  it('refuses a path through too many arrays, naming it and the depth limit', () => {
    let deepestOk = 0
    for (let n = 1; n <= 20; n++) {
      try {
        parse({ [deepPath(n)]: { equals: 'x' } })
        deepestOk = n
      } catch (e) {
        expect((e as Error).message).toContain(`where.${deepPath(n)}.equals`)
        expect((e as Error).message).toContain(`WHERE_LIMITS.expressionDepth`)
        break
      }
    }
    expect(deepestOk).toBeGreaterThanOrEqual(8)
    expect(deepestOk).toBeLessThan(20)
  })

  it(`reads arrays at most ${WHERE_LIMITS.arrayScans} times a document; an or on one array reads it once`, () => {
    const max = WHERE_LIMITS.arrayScans
    const likes = (path: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ [path]: { like: `w${i}` } }))
    // The review's shape: 100 branches of like on one array, and on a path through three.
    expect(arrayScans(parse({ or: likes('rows.at', 100) }))).toBe(1)
    expect(arrayScans(parse({ or: likes(deepPath(3), 100) }))).toBe(3)
    // Branches on a.t and a.a.t share the outer array: 1 + 1 (the inner a).
    expect(arrayScans(parse({ or: [...likes('a.t', 5), ...likes('a.a.t', 5)] }))).toBe(2)
    // A negated branch is a NOT EXISTS of its own; an `and` reads each of its arrays.
    expect(arrayScans(parse({ or: [...likes('a.t', 5), { 'a.t': { not_equals: 'x' } }] }))).toBe(2)
    expect(arrayScans(parse({ and: likes('rows.at', max) }))).toBe(max)
    // An `and` of negated conditions on one array is one NOT EXISTS: ¬∃P ∧ ¬∃Q is ¬∃(P ∨ Q).
    const excluded = Array.from({ length: 99 }, (_, i) => ({ 'a.a.t': { not_equals: `w${i}` } }))
    expect(arrayScans(parse({ and: [...excluded, { 'a.t': { exists: false } }] }))).toBe(2)
    const e = queryError({ and: likes('rows.at', max + 1) })
    expect(e.message).toContain(`${max + 1} times`)
    expect(e.message).toContain('WHERE_LIMITS.arrayScans')
    expect(e.message).toContain(`through 'rows.at' (${max + 1} conditions)`)
    // The paths to look at, most conditions first; past five, how many more.
    const mixed = queryError({
      and: [
        ...likes('rows.at', 10),
        ...[1, 2, 3, 4, 5, 6].flatMap((n) => likes(deepPath(n), n === 1 ? 3 : 1)),
      ],
    })
    expect(mixed.message).toContain(
      `through 'rows.at' (10 conditions), 'a.t' (3 conditions), 'a.a.t' (1 condition), 'a.a.a.t' (1 condition), 'a.a.a.a.t' (1 condition) and 2 more paths.`,
    )
    // The same conditions as branches of one `or` are one scan.
    expect(arrayScans(parse({ or: likes('rows.at', max + 1) }))).toBe(1)
  })

  it('whatever it accepts is within the limits, counted as compileWhere builds it', () => {
    const leaf: fc.Arbitrary<Where> = fc.oneof(
      fc.record({
        title: fc.record({
          like: fc.integer({ min: 1, max: 120 }).map((n) => Array(n).fill('w').join(' ')),
        }),
      }),
      fc.record({
        title: fc.record({ in: fc.integer({ min: 0, max: 500 }).map((n) => inList(n)) }),
      }),
      fc.integer({ min: 1, max: 20 }).map((n) => ({ [deepPath(n)]: { not_equals: 'x' } }) as Where),
      fc.constant({ views: { gt: 1 } } as Where),
      fc.constant({ when: { exists: true } } as Where),
    )
    const tree = fc.letrec<{ node: Where }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ and: fc.array(tie('node'), { maxLength: 30 }) }),
        fc.record({ or: fc.array(tie('node'), { maxLength: 30 }) }),
      ),
    })).node
    fc.assert(
      fc.property(tree, (where) => {
        let node
        try {
          node = parse(where)
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError)
          return
        }
        const cost = whereCost(node)
        expect(cost.parameters).toBeLessThanOrEqual(WHERE_LIMITS.parameters)
        expect(cost.depth).toBeLessThanOrEqual(WHERE_LIMITS.expressionDepth)
      }),
      { numRuns: 300 },
    )
  })
})
