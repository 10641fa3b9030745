import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CollectionConfig,
  type Field,
  type Galley,
  type Where,
  QueryError,
  WHERE_LIMITS,
} from '@galley/core'
import { arrayScans, collectFieldPaths, parseWhere } from '@galley/core/storage'
import { postgresDialect } from '@galley/storage-postgres'
import { sqliteDialect } from '@galley/storage-sqlite'
// The store registers it on every connection; this test's bare database needs it too.
import { foldCase } from '../../storage-sqlite/src/sqlite-dialect'
// Not exported by @galley/core (yet): the cost model this compiler is held to.
import { whereCost } from '../../core/src/where/where-cost'
import { STORES, authors, dropTestSchemas, makeGalley, posts } from '../test/stores'
import { compileWhere } from './compile-where'
import { NO_KEYED_FIELDS } from './keyed-fields'

afterAll(dropTestSchemas)

/** Arrays nested `n` deep, each with a text field `t`: paths `a.t`, `a.a.t`, … */
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
const DEEP = 20
const deepPath = (n: number) => `${'a.'.repeat(n)}t`
const deepData = (n: number, t: string): Record<string, unknown> =>
  n === 0 ? { t } : { t, a: [deepData(n - 1, t)] }

const notes: CollectionConfig = {
  slug: 'notes',
  versions: { drafts: true },
  fields: [
    { name: 'title', type: 'text' },
    { name: 'when', type: 'date' },
    { name: 'n', type: 'number' },
    { name: 't', type: 'text' },
    { name: 'code', type: 'text', unique: true },
    nestedArrays(DEEP),
  ],
}
const paths = collectFieldPaths(notes.fields)
const parse = (where: Where) => parseWhere(where, paths, 'notes')

const words = (n: number, w = 'a') => Array(n).fill(w).join(' ')
const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
/** `count` in-lists of `per` values that match nothing, plus `hit` as the last value. */
const inLists = (count: number, per: number, hit: string): Where[] =>
  Array.from({ length: count }, (_, i) => ({
    title: { in: [...values(per - 1, `miss${i}-`), hit] },
  }))
/** The deepest array path the parser accepts with `equals`. */
const deepestPath = (() => {
  let n = 0
  while (n < DEEP) {
    try {
      parse({ [deepPath(n + 1)]: { equals: 'x' } })
    } catch {
      break
    }
    n++
  }
  return n
})()

// --------------------------------------------------------------- the model vs the SQL

const leaf: fc.Arbitrary<Where> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 120 }))
    // Non-ASCII words are matched against one folded copy of the value (galley_fold).
    .map(([n, k]) => ({ [deepPath(n)]: { like: words(k, k % 2 ? 'x' : 'é') } }) as Where),
  fc
    .tuple(
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom('equals', 'not_equals', 'exists', 'contains'),
    )
    .map(([n, op]) => ({ [deepPath(n)]: { [op]: op === 'exists' ? false : 'v' } }) as Where),
  fc
    .tuple(fc.constantFrom('in', 'not_in'), fc.integer({ min: 0, max: 50 }))
    .map(([op, k]) => ({ title: { [op]: values(k, 'v') } }) as Where),
  // A unique field: in an `or`, SQLite's condition carries its partial index's guard.
  fc
    .tuple(
      fc.constantFrom('equals', 'not_equals', 'like', 'not_in'),
      fc.integer({ min: 1, max: 40 }),
    )
    .map(
      ([op, k]) =>
        ({
          code: { [op]: op === 'like' ? words(k, 'c') : op === 'not_in' ? values(k, 'c') : 'c' },
        }) as Where,
    ),
  fc.constantFrom<Where>(
    { _status: { not_equals: 'published' } },
    { _status: { in: ['draft', 'changed'] } },
    { createdAt: { gte: '2026-01-01' } },
    { id: { equals: 'x' } },
    { n: { lt: 3 } },
    { when: { equals: null } },
  ),
)
const tree: fc.Arbitrary<Where> = fc.letrec<{ node: Where }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ and: fc.array(tie('node'), { maxLength: 12 }) }),
    fc.record({ or: fc.array(tie('node'), { maxLength: 12 }) }),
  ),
})).node

/** Whether SQLite takes `where` under `k` NOTs: its expression depth is at most 1,000 - k. */
function fitsUnder(db: Database.Database, where: string, k: number): boolean {
  try {
    db.prepare(`SELECT 1 FROM t AS h WHERE ${'NOT ('.repeat(k)}${where}${')'.repeat(k)}`)
    return true
  } catch (e) {
    if (!/too large/.test((e as Error).message)) throw e
    return false
  }
}

/** SQLite's expression depth of `where`. */
function sqliteDepth(db: Database.Database, where: string): number {
  let lo = 0
  let hi = 1000
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (fitsUnder(db, where, mid)) lo = mid
    else hi = mid - 1
  }
  return 1000 - lo
}

describe('compileWhere and the parser cost model', () => {
  const db = new Database(':memory:')
  db.function('galley_fold', { deterministic: true }, foldCase)
  db.exec(
    'CREATE TABLE t (collection, id, variant, status, in_drafts, keys, data, created_at, updated_at)',
  )
  afterAll(() => db.close())

  it('binds exactly the parameters counted, scans the arrays counted, nests no deeper than counted', () => {
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
        for (const [d, scan] of [
          [sqliteDialect, 'json_each('],
          [postgresDialect, 'jsonb_array_elements('],
        ] as const) {
          const params: unknown[] = []
          const sql = compileWhere(node, d, params)
          expect(params.length).toBe(cost.parameters)
          // The parser's scan count is the compiler's: one read per array, an or's shared.
          expect(sql.split(scan).length - 1).toBe(arrayScans(node))
        }
        // SQLite's depth is at most the counted one: it still takes 1,000 - counted NOTs,
        // also with the guard of partial unique indexes that a read's scope adds in `or`s.
        expect(fitsUnder(db, compileWhere(node, sqliteDialect, []), 1000 - cost.depth)).toBe(true)
        const guarded = compileWhere(node, sqliteDialect, [], {
          keyed: NO_KEYED_FIELDS,
          content: false,
          indexGuard: "h.collection = 'notes' AND h.variant = 'published'",
        })
        expect(fitsUnder(db, guarded, 1000 - cost.depth)).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it("fits SQLite's build: three full trees and paging under its bound parameters, depth far below its limit", () => {
    const options = (db.pragma('compile_options') as Array<{ compile_options: string }>).map(
      (o) => o.compile_options,
    )
    const limit = (name: string) =>
      Number(options.find((o) => o.startsWith(`${name}=`))?.split('=')[1])
    expect(3 * WHERE_LIMITS.parameters + 100).toBeLessThan(limit('MAX_VARIABLE_NUMBER'))
    // Three trees joined by AND, each as deep as allowed, inside the store's statement.
    expect(2 * WHERE_LIMITS.expressionDepth + 100).toBeLessThan(limit('MAX_EXPR_DEPTH'))
  })

  it('joins long and / or lists and like words as balanced trees', () => {
    // On an indexed field each branch stays a comparison; on another field they test one
    // read of the value, in a subquery SQLite counts again (see groupOr in core).
    const wide = (path: string) =>
      parse({ or: Array.from({ length: 100 }, (_, i) => ({ [path]: { equals: `${i}` } })) })
    expect(sqliteDepth(db, compileWhere(wide('code'), sqliteDialect, []))).toBeLessThanOrEqual(13)
    const once = compileWhere(wide('title'), sqliteDialect, [])
    expect(once.split('json_extract(').length - 1).toBe(1)
    expect(sqliteDepth(db, once)).toBeLessThanOrEqual(26)
    const like = parse({ title: { like: words(WHERE_LIMITS.likeWords) } })
    expect(sqliteDepth(db, compileWhere(like, sqliteDialect, []))).toBeLessThanOrEqual(30)
  })

  it('counts depth closely enough that the limit does not refuse much that would run', () => {
    for (const n of [0, 3, deepestPath]) {
      for (const op of n === deepestPath
        ? [{ equals: 'x' }]
        : [{ equals: 'x' }, { like: words(100) }]) {
        const node = parse({ [deepPath(n)]: op })
        const counted = whereCost(node).depth
        const actual = sqliteDepth(db, compileWhere(node, sqliteDialect, []))
        expect(actual).toBeLessThanOrEqual(counted)
        expect(counted - actual).toBeLessThanOrEqual(Math.max(4, counted * 0.25))
      }
    }
  })
})

// --------------------------------------------------------------- at and past the limits

for (const store of STORES) {
  describe(`where limits on the database [${store.name}]`, () => {
    let g: Galley
    const user = { id: 'u1' }
    let accessWhere: Where | undefined
    beforeAll(async () => {
      g = await makeGalley(store, {
        collections: [
          authors,
          posts,
          {
            ...notes,
            access: {
              read: () => accessWhere ?? true,
              readDrafts: () => accessWhere ?? true,
            },
          },
        ],
      })
      await g.create({
        collection: 'notes',
        id: 'hit',
        data: {
          title: 'hit',
          when: '2026-01-31T10:00:00.000Z',
          n: 1,
          ...deepData(DEEP, 'deep hit'),
        },
      })
      await g.create({ collection: 'notes', id: 'other', data: { title: 'other', n: 2 } })
    })
    afterAll(() => g.close())

    const find = async (where: Where, perspective: 'published' | 'drafts' = 'published') => {
      const res = await g.find({ collection: 'notes', where, perspective, user })
      const { totalDocs } = await g.count({ collection: 'notes', where, perspective, user })
      expect(totalDocs).toBe(res.totalDocs)
      return res.docs.map((d) => d.id).sort()
    }
    const refused = async (where: Where) => {
      const e = await g.find({ collection: 'notes', where, user }).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(e).toBeInstanceOf(QueryError)
      expect((e as QueryError).status).toBe(400)
      return (e as Error).message
    }
    const per = WHERE_LIMITS.listValues
    const full = WHERE_LIMITS.parameters / per

    it(`runs ${WHERE_LIMITS.parameters} bound values and refuses one more`, async () => {
      expect(await find({ or: inLists(full, per, 'hit') })).toEqual(['hit'])
      expect(await find({ and: inLists(full, per, 'hit') })).toEqual(['hit'])
      const message = await refused({ or: [...inLists(full, per, 'hit'), { n: { gt: 0 } }] })
      expect(message).toContain(`where.or[${full}].n.gt`)
      expect(message).toContain(String(WHERE_LIMITS.parameters))
    })

    it(`runs ${WHERE_LIMITS.likeWords} like words, in one like or many, and refuses more`, async () => {
      const all = WHERE_LIMITS.likeWords
      expect(await find({ title: { like: words(all, 'i') } })).toEqual(['hit'])
      expect(await find({ title: { like: words(all, 'a') } })).toEqual([])
      const split = Array.from({ length: 10 }, () => ({ title: { like: words(all / 10, 'i') } }))
      expect(await find({ and: split })).toEqual(['hit'])
      expect(await find({ or: split })).toEqual(['hit'])
      expect(await refused({ and: [...split, { title: { like: 'x' } }] })).toContain(
        'where.and[10].title.like',
      )
      // The review's query: 995 words in one like (a 500 before).
      expect(await refused({ title: { like: words(995) } })).toContain('WHERE_LIMITS.likeWords')
    })

    it('runs the deepest array path it accepts, with a long like, and refuses a deeper one', async () => {
      expect(deepestPath).toBeGreaterThanOrEqual(8)
      expect(deepestPath).toBeLessThan(DEEP)
      expect(await find({ [deepPath(deepestPath)]: { equals: 'deep hit' } })).toEqual(['hit'])
      expect(await find({ [deepPath(deepestPath)]: { not_equals: 'deep hit' } })).toEqual(['other'])
      // A like is a few levels deeper than an equals (it keeps its NULL guard): on the
      // deepest path that takes one, the longest like the depth bound allows still runs.
      const accepts = (where: Where) => {
        try {
          parse(where)
          return true
        } catch {
          return false
        }
      }
      let likePath = deepestPath
      while (!accepts({ [deepPath(likePath)]: { like: 'deep' } })) likePath--
      expect(likePath).toBeGreaterThanOrEqual(8)
      let k: number = WHERE_LIMITS.likeWords
      while (k > 1 && !accepts({ [deepPath(likePath)]: { like: words(k, 'deep') } }))
        k = Math.floor(k / 2)
      expect(await find({ [deepPath(likePath)]: { like: words(k, 'deep') } })).toEqual(['hit'])
      const message = await refused({ [deepPath(deepestPath + 1)]: { equals: 'x' } })
      expect(message).toContain(`where.${deepPath(deepestPath + 1)}.equals`)
      expect(message).toContain('WHERE_LIMITS.expressionDepth')
    })

    it('runs a full where together with full read and readDrafts rules', async () => {
      accessWhere = { or: inLists(full, per, 'hit') }
      try {
        expect(await find({ and: inLists(full, per, 'hit') }, 'drafts')).toEqual(['hit'])
        expect(
          await find({ title: { like: words(WHERE_LIMITS.likeWords, 'i') } }, 'drafts'),
        ).toEqual(['hit'])
        // As deep as allowed, three times over.
        accessWhere = { [deepPath(deepestPath)]: { not_equals: 'x' } }
        expect(
          await find({ or: [{ [deepPath(deepestPath)]: { equals: 'deep hit' } }] }, 'drafts'),
        ).toEqual(['hit'])
      } finally {
        accessWhere = undefined
      }
    })

    it('compares dates as dates and refuses what is not one', async () => {
      expect(await find({ when: { equals: '2026-01-31T12:00+02:00' } })).toEqual(['hit'])
      expect(await find({ when: { gt: '2026-01-31' } })).toEqual(['hit'])
      expect(await find({ createdAt: { gt: '2000-01-01' } })).toEqual(['hit', 'other'])
      expect(await find({ updatedAt: { lt: '2000-01-01T00:00:00Z' } })).toEqual([])
      for (const path of ['createdAt', 'updatedAt', 'when'])
        expect(await refused({ [path]: { gt: 'not-a-date' } })).toContain(`where.${path}.gt`)
    })

    it('any tree at the edge of the limits either runs or is a QueryError', async () => {
      const heavy: fc.Arbitrary<Where> = fc.oneof(
        fc.integer({ min: 1, max: 120 }).map((k) => ({ title: { like: words(k, 'i') } }) as Where),
        fc.integer({ min: 1, max: per }).map((k) => ({ title: { in: values(k, 'x') } }) as Where),
        fc
          .integer({ min: 0, max: DEEP })
          .map((n) => ({ [deepPath(n)]: { like: words(40, 'deep') } }) as Where),
      )
      const edge = fc.oneof(
        fc.array(heavy, { minLength: 1, maxLength: 30 }).map((and) => ({ and })),
        fc.array(heavy, { minLength: 1, maxLength: 30 }).map((or) => ({ or })),
        fc
          .array(fc.array(heavy, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 })
          .map((groups) => ({ or: groups.map((and) => ({ and })) })),
      )
      let ran = 0
      let refusedCount = 0
      await fc.assert(
        fc.asyncProperty(
          edge,
          fc.constantFrom('published' as const, 'drafts' as const),
          async (where, p) => {
            try {
              await find(where, p)
              ran++
            } catch (e) {
              expect(e).toBeInstanceOf(QueryError)
              refusedCount++
            }
          },
        ),
        { numRuns: 25 },
      )
      expect(ran).toBeGreaterThan(0)
      expect(refusedCount).toBeGreaterThan(0)
    }, 180_000)
  })
}
