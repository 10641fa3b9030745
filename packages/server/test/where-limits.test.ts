import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WHERE_LIMITS, type Where } from '@galley/core'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

/**
 * Where trees at and past WHERE_LIMITS over REST and GraphQL (variables), on both stores:
 * what the parser accepts runs (200 with the right documents), what it refuses is a 400
 * QUERY_INVALID naming the path and the limit, and nothing is ever a 500.
 */
const words = (n: number, w = 'a') => Array(n).fill(w).join(' ')
const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
const PER = WHERE_LIMITS.listValues
const FULL = WHERE_LIMITS.parameters / PER
/** `count` in-lists of `PER` ids, each ending with 'pub'. */
const idLists = (count: number): Where[] =>
  Array.from({ length: count }, (_, i) => ({ id: { in: [...values(PER - 1, `x${i}-`), 'pub'] } }))

/** The bracket form of a where tree (`where[or][0][id][in]=a,b`). */
function brackets(where: unknown, prefix = 'where'): string[] {
  if (Array.isArray(where)) return where.flatMap((w, i) => brackets(w, `${prefix}[${i}]`))
  if (where && typeof where === 'object')
    return Object.entries(where).flatMap(([k, v]) => brackets(v, `${prefix}[${k}]`))
  return [`${prefix}=${encodeURIComponent(String(where))}`]
}
/** Lists joined by commas, as REST takes them. */
function commaLists(where: unknown): unknown {
  if (Array.isArray(where)) return where.map(commaLists)
  if (where && typeof where === 'object')
    return Object.fromEntries(
      Object.entries(where).map(([k, v]) =>
        (k === 'in' || k === 'not_in') && Array.isArray(v) ? [k, v.join(',')] : [k, commaLists(v)],
      ),
    )
  return where
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`where limits over REST and GraphQL (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    const rest = (where: unknown, extra = '') =>
      blog.req('GET', `/api/posts?limit=50${extra}&${brackets(commaLists(where)).join('&')}`)
    const gql = (where: unknown) =>
      blog.req('POST', '/api/graphql', {
        body: {
          query: 'query($w: JSON) { posts(where: $w, limit: 50) { totalDocs docs { id } } }',
          variables: { w: where },
        },
      })
    const restIds = async (where: unknown) => {
      const res = await rest(where)
      expect(res.status, res.text.slice(0, 300)).toBe(200)
      return res.json.docs.map((d: { id: string }) => d.id).sort()
    }
    const gqlIds = async (where: unknown) => {
      const res = await gql(where)
      expect(res.json.errors, res.text.slice(0, 300)).toBeUndefined()
      return res.json.data.posts.docs.map((d: { id: string }) => d.id).sort()
    }
    const restRefused = async (where: unknown, extra = '') => {
      const res = await rest(where, extra)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('QUERY_INVALID')
      return res.json.error.message as string
    }
    const gqlRefused = async (where: unknown) => {
      const res = await gql(where)
      expect(res.json.errors?.[0]?.extensions?.code, res.text.slice(0, 300)).toBe('QUERY_INVALID')
      return res.json.errors[0].message as string
    }

    it("the review's like of 995 words is a 400 naming the path and the limit", async () => {
      const res = await blog.req(
        'GET',
        `/api/posts?where[title][like]=${words(995).replaceAll(' ', '+')}`,
      )
      expect(res.status).toBe(400)
      expect(res.json.error.message).toContain('where.title.like')
      expect(res.json.error.message).toContain('WHERE_LIMITS.likeWords')
      expect(await gqlRefused({ title: { like: words(995) } })).toContain('where.title.like')
    })

    it(`${WHERE_LIMITS.likeWords} like words run`, async () => {
      const where = { title: { like: words(WHERE_LIMITS.likeWords, 'post') } }
      expect(await restIds(where)).toEqual(['pub', 'pub2'])
      expect(await gqlIds(where)).toEqual(['pub', 'pub2'])
    })

    it(`${WHERE_LIMITS.parameters} bound values run; one more is a 400`, async () => {
      expect(await restIds({ or: idLists(FULL) })).toEqual(['pub'])
      expect(await gqlIds({ or: idLists(FULL) })).toEqual(['pub'])
      const past = { or: [...idLists(FULL), { id: { equals: 'pub2' } }] }
      for (const message of [await restRefused(past), await gqlRefused(past)]) {
        expect(message).toContain(`where.or[${FULL}].id.equals`)
        expect(message).toContain('WHERE_LIMITS.parameters')
      }
    })

    it("the review's GraphQL query: 100 in-lists of 500 values as variables", async () => {
      const where = { or: idLists(100) }
      const message = await gqlRefused(where)
      expect(message).toContain(`where.or[${FULL}].id.in`)
      expect(message).toContain(String(WHERE_LIMITS.parameters))
    })

    it('dates: ISO 8601 compares, anything else is a 400 naming the path', async () => {
      expect(await restIds({ createdAt: { gt: '2000-01-01' } })).toEqual(['changed', 'pub', 'pub2'])
      expect(await gqlIds({ updatedAt: { gte: '2000-01-01T00:00:00+01:00' } })).toEqual([
        'changed',
        'pub',
        'pub2',
      ])
      expect(await restIds({ createdAt: { lt: '2000-01-01' } })).toEqual([])
      for (const path of ['createdAt', 'updatedAt']) {
        for (const bad of ['not-a-date', '2026-02-30', '1700000000000', 'yesterday']) {
          const where = { [path]: { gt: bad } }
          expect(await restRefused(where)).toContain(`where.${path}.gt`)
          expect(await gqlRefused(where)).toContain('ISO 8601')
        }
      }
    })

    it('trees at the edge of the limits are 200 or 400, never 500, and REST equals GraphQL', async () => {
      const heavy: fc.Arbitrary<Where> = fc.oneof(
        fc.integer({ min: 1, max: 120 }).map((k) => ({ title: { like: words(k, 'post') } })),
        fc
          .integer({ min: 1, max: PER })
          .map((k) => ({ id: { in: [...values(k - 1, 'x'), 'pub2'] } })),
        fc.integer({ min: 1, max: PER }).map((k) => ({ slug: { not_in: values(k, 's') } })),
        fc.constantFrom<Where>(
          { createdAt: { gt: '2000-01-01' } },
          { createdAt: { gt: 'soon' } },
          { 'seo.title': { exists: false } },
        ),
      )
      const edge = fc.oneof(
        fc.array(heavy, { minLength: 1, maxLength: 30 }).map((and) => ({ and })),
        fc.array(heavy, { minLength: 1, maxLength: 30 }).map((or) => ({ or })),
        fc
          .array(fc.array(heavy, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 })
          .map((groups) => ({ or: groups.map((and) => ({ and })) })),
      )
      const seen = { ran: 0, refused: 0 }
      await fc.assert(
        fc.asyncProperty(edge, async (where) => {
          const [r, g] = [await rest(where), await gql(where)]
          expect([200, 400], r.text.slice(0, 300)).toContain(r.status)
          if (r.status === 400) {
            seen.refused++
            expect(r.json.error.code).toBe('QUERY_INVALID')
            expect(g.json.errors[0].extensions.code).toBe('QUERY_INVALID')
            expect(g.json.errors[0].message).toBe(r.json.error.message)
          } else {
            seen.ran++
            expect(g.json.errors).toBeUndefined()
            expect(g.json.data.posts.docs.map((d: { id: string }) => d.id)).toEqual(
              r.json.docs.map((d: { id: string }) => d.id),
            )
          }
        }),
        { numRuns: 20 },
      )
      expect(seen.ran).toBeGreaterThan(0)
      expect(seen.refused).toBeGreaterThan(0)
    }, 180_000)
  })
}
