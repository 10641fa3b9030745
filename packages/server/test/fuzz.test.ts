import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WHERE_OPERATORS } from '@galley/core'
import { setupBlog, snapshot, type Blog, type Res } from './helpers/blog'
import { STORES } from './helpers/stores'

const EXISTING = new Set(['pub', 'pub2', 'changed', 'draft', 'ada', 'ghost', 'settings'])
const FIELDS = new Set([
  'title',
  'slug',
  'views',
  'featured',
  'author',
  'tags',
  'seo',
  'seo.title',
  'body',
  'id',
  'createdAt',
  'updatedAt',
  '_status',
  '_variant',
  '_rev',
  'and',
  'or',
])
const OPS = new Set<string>(WHERE_OPERATORS)

/** Ids no document has: random text, traversal, injection, unicode, too long. */
const badId = fc
  .oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom(
      '..',
      '../../etc/passwd',
      '%00',
      '\u0000',
      'a'.repeat(65),
      "' OR 1=1 --",
      '<script>',
      '${x}',
      '__proto__',
      'constructor',
      ' ',
      'nul\u0000l',
      '%E0%A4%A',
    ),
  )
  .filter((s) => s.length > 0 && !EXISTING.has(s))

/** Where trees that are wrong by construction, each in a different way. */
const leaf = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null))
const deepWhere = fc.integer({ min: 9, max: 60 }).map((n) => {
  let w: Record<string, unknown> = { title: { equals: 'x' } }
  for (let i = 0; i < n; i++) w = { [i % 2 ? 'and' : 'or']: [w] }
  return w
})
const unknownOperator = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !OPS.has(s)),
    leaf,
  )
  .map(([op, v]) => ({ title: { [op]: v } }))
const unknownField = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !FIELDS.has(s)),
    leaf,
  )
  .map(([f, v]) => ({ [f]: { equals: v } }))
const wrongType = fc
  .oneof(
    fc.string({ maxLength: 10 }).filter((s) => s.trim() === '' || !Number.isFinite(Number(s))),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
  )
  .chain((v) =>
    fc.constantFrom(
      { views: { gt: v } },
      { views: { equals: v } },
      { featured: { equals: v === true || v === false ? 'maybe' : v } },
      { seo: { equals: 'x' } },
    ),
  )
const hugeArray = fc
  .integer({ min: 501, max: 3000 })
  .map((n) => ({ title: { in: Array.from({ length: n }, (_, i) => `t${i}`) } }))
const tooManyConditions = fc
  .integer({ min: 101, max: 300 })
  .map((n) => ({ or: Array.from({ length: n }, (_, i) => ({ views: { equals: i } })) }))
const notAnObject = fc.oneof(
  fc.array(leaf, { maxLength: 3 }),
  fc.string({ maxLength: 5 }),
  fc.integer(),
)
const withGarbage = fc
  .tuple(fc.jsonValue({ maxDepth: 4 }), fc.oneof(unknownOperator, unknownField))
  .map(([j, bad]) => ({ and: [j, bad] }))
const badWhere = fc.oneof(
  deepWhere,
  unknownOperator,
  unknownField,
  wrongType,
  hugeArray,
  tooManyConditions,
  withGarbage,
)

/** Bracket form of a where tree: `where[a][0][b]=v`. */
function brackets(w: unknown, prefix = 'where'): string[] {
  if (w === null || typeof w !== 'object') return [`${prefix}=${encodeURIComponent(String(w))}`]
  const entries = Object.entries(w as Record<string, unknown>)
  if (entries.length === 0) return [`${prefix}[x]=`]
  return entries.flatMap(([k, v]) => brackets(v, `${prefix}[${encodeURIComponent(k)}]`))
}

/** Bodies a write must refuse: not JSON, not an object, or data that breaks the schema. */
const badData = fc.oneof(
  fc.record({ views: fc.oneof(fc.string({ minLength: 1 }), fc.constant(-5), fc.boolean()) }),
  fc.record({
    title: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string()),
      fc.constant('x'.repeat(201)),
    ),
  }),
  fc.dictionary(
    fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !FIELDS.has(k)),
    fc.jsonValue({ maxDepth: 3 }),
    { minKeys: 1, maxKeys: 4 },
  ),
  fc.record({
    tags: fc.oneof(
      fc.string({ minLength: 1 }),
      fc.array(
        fc.string({ minLength: 1 }).filter((s) => s !== 'news' && s !== 'guides'),
        { minLength: 1 },
      ),
    ),
  }),
  fc.record({ author: fc.oneof(fc.integer(), fc.array(fc.string(), { minLength: 2 })) }),
  fc.record({
    seo: fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.integer(), { minLength: 1 })),
  }),
)
const badBody = fc.oneof(
  badData.map((d) => ({ raw: JSON.stringify(d), type: 'application/json' })),
  fc
    .oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null))
    .map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
  fc
    .string({ minLength: 1, maxLength: 60 })
    .filter((s) => {
      try {
        JSON.parse(s)
        return false
      } catch {
        return s.trim() !== ''
      }
    })
    .map((raw) => ({ raw, type: 'application/json' })),
  fc
    .tuple(
      fc.jsonValue(),
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'application/jsonx',
      ),
    )
    .map(([v, type]) => ({ raw: JSON.stringify(v) || 'x', type })),
  fc
    .integer({ min: 70, max: 3000 })
    .map((n) => ({ raw: '{"a":'.repeat(n) + '1' + '}'.repeat(n), type: 'application/json' })),
)

function expect4xx(res: Res, what: string) {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(
    400,
  )
  expect(res.status, `${what} → ${res.text.slice(0, 200)}`).toBeLessThan(500)
  const message = res.json?.error?.message ?? res.json?.errors?.[0]?.message
  expect(typeof message, what).toBe('string')
  expect(message.length, what).toBeGreaterThan(10)
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`fuzzing every endpoint (${store.name})`, () => {
    let blog: Blog
    let before: string
    beforeAll(async () => {
      blog = await setupBlog(store, { maxBodyBytes: 64 * 1024 })
      before = await snapshot(blog.galley)
    })
    afterAll(async () => {
      // Nothing any fuzz case sent changed the store, and the server still answers.
      expect(await snapshot(blog.galley)).toBe(before)
      expect((await blog.req('GET', '/api/posts/pub')).status).toBe(200)
      await blog?.close()
    })

    const runs = { numRuns: Number(process.env.GALLEY_FUZZ_RUNS ?? 60) }

    it('malformed ids on every document route', async () => {
      await fc.assert(
        fc.asyncProperty(badId, fc.constantFrom(undefined, 'write'), async (id, who) => {
          const e = encodeURIComponent(id)
          const token = who ? blog.tokens.write : undefined
          const routes: Array<[string, string, unknown?]> = [
            ['GET', `/api/posts/${e}`],
            ['GET', `/api/posts/${e}?draft=true`],
            ['PATCH', `/api/posts/${e}`, { title: 'x' }],
            ['DELETE', `/api/posts/${e}`],
            ['POST', `/api/posts/${e}/publish`],
            ['POST', `/api/posts/${e}/unpublish`],
            ['POST', `/api/posts/${e}/discard-draft`],
            ['GET', `/api/posts/${e}/revisions`],
            ['POST', `/api/posts/pub/revisions/${e}/restore`],
            ['POST', `/api/posts/${e}/revisions/${e}/restore`],
            ['GET', `/api/${e}`],
            ['GET', `/api/${e}/pub`],
            ['POST', `/api/${e}`, { title: 'x' }],
            ['GET', `/api/globals/${e}`],
            ['PATCH', `/api/globals/${e}`, { siteName: 'x' }],
            ['POST', `/api/globals/${e}/publish`],
          ]
          for (const [m, p, body] of routes) {
            if (!who && m !== 'GET' && body === undefined) continue
            const res = await blog.req(m, p, { token, body })
            expect4xx(res, `${m} ${p}`)
          }
        }),
        runs,
      )
    })

    it('malformed where trees, as JSON and in bracket form, for every caller', async () => {
      await fc.assert(
        fc.asyncProperty(badWhere, fc.constantFrom(undefined, 'drafts'), async (w, who) => {
          const token = who ? blog.tokens.drafts : undefined
          const draft = who ? '&draft=true' : ''
          const json = JSON.stringify(w)
          expect4xx(
            await blog.req('GET', `/api/posts?where=${encodeURIComponent(json)}${draft}`, {
              token,
            }),
            `json where ${json.slice(0, 200)}`,
          )
          const b = brackets(w)
          if (b.length <= 200)
            expect4xx(
              await blog.req('GET', `/api/posts?${b.join('&')}${draft}`, { token }),
              `bracket where ${b.slice(0, 5).join('&')}`,
            )
          const gql = await blog.req('POST', '/api/graphql', {
            token,
            body: { query: 'query($w: JSON) { posts(where: $w) { totalDocs } }', variables: { w } },
          })
          if (gql.status === 200) {
            expect(gql.json.data).toBeNull()
            expect(gql.json.errors[0].extensions.code).toBe('QUERY_INVALID')
          } else expect4xx(gql, 'graphql where') // too deep for a JSON body at all
        }),
        runs,
      )
      expect4xx(
        await blog.req('GET', `/api/posts?where=${encodeURIComponent(JSON.stringify('x'))}`),
        'string where',
      )
      for (const w of await fc.sample(notAnObject, 10))
        expect4xx(
          await blog.req('GET', `/api/posts?where=${encodeURIComponent(JSON.stringify(w))}`),
          'non-object where',
        )
    })

    it('malformed query parameters', async () => {
      const junk = fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('-1', '1e3', '0x10', '99999999999', 'NaN', ' ', '1.5'),
      )
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('limit', 'page', 'depth', 'sort', 'perspective', 'draft'),
          junk,
          async (param, value) => {
            const res = await blog.req('GET', `/api/posts?${param}=${encodeURIComponent(value)}`)
            // Some values are valid (limit=5, sort=title); the rest must be a clear 400.
            if (res.status === 200) return
            expect4xx(res, `${param}=${value}`)
          },
        ),
        runs,
      )
      await fc.assert(
        fc.asyncProperty(
          fc
            .string({ minLength: 1, maxLength: 20 })
            .filter(
              (k) =>
                !['where', 'limit', 'page', 'sort', 'depth', 'perspective', 'draft'].includes(k) &&
                !k.includes('=') &&
                !k.includes('&') &&
                !k.includes('#'),
            ),
          async (name) => {
            expect4xx(
              await blog.req('GET', `/api/posts?${encodeURIComponent(name)}=1`),
              `unknown param ${name}`,
            )
          },
        ),
        runs,
      )
    })

    it('malformed bodies on every write route', async () => {
      await fc.assert(
        fc.asyncProperty(
          badBody,
          fc.constantFrom(undefined, 'write'),
          async ({ raw, type }, who) => {
            const token = who ? blog.tokens.write : undefined
            const routes: Array<[string, string]> = [
              ['POST', '/api/posts'],
              ['POST', '/api/posts?draft=true'],
              ['PATCH', '/api/posts/pub'],
              ['PATCH', '/api/posts/changed?draft=true'],
              ['PATCH', '/api/posts/changed?autosave=true'],
              ['PATCH', '/api/globals/settings'],
              ['POST', '/api/users'],
              ['POST', '/api/auth/login'],
              ['POST', '/api/graphql'],
            ]
            for (const [m, p] of routes) {
              if (p.startsWith('/api/globals') && raw.includes('views')) continue // a different schema: views is unknown there too, so still 4xx
              const res = await blog.req(m, p, { token, raw, headers: { 'content-type': type } })
              expect4xx(res, `${m} ${p} ${type} ${raw.slice(0, 120)}`)
            }
          },
        ),
        runs,
      )
    })

    it('malformed action bodies and headers', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.string({ maxLength: 70 }),
          async (raw, ifMatch) => {
            const token = blog.tokens.write
            for (const p of [
              '/api/posts/changed/publish',
              '/api/posts/pub/unpublish',
              '/api/posts/changed/discard-draft',
              '/api/globals/settings/publish',
            ]) {
              const res = await blog.req('POST', p, {
                token,
                raw,
                headers: { 'content-type': 'text/plain' },
              })
              expect4xx(res, `POST ${p} ${raw}`)
            }
            const stale = ifMatch.trim() === '' || ifMatch.trim() === '*' ? 'stale-rev' : ifMatch
            expect4xx(
              await blog.req('DELETE', '/api/posts/pub', { token, headers: { 'if-match': stale } }),
              `If-Match ${stale}`,
            )
          },
        ),
        runs,
      )
    })

    it('malformed GraphQL documents and variables', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 100 }),
            fc.constantFrom(
              '{',
              'mutation { deletePosts(id: "pub") }',
              'subscription { posts }',
              '{ posts(limit: "x") { totalDocs } }',
              'query A { posts { totalDocs } } query B { posts { totalDocs } }',
              '{ postsById { id } }',
              '{ __typename @skip }',
              '{ posts { docs { author } } }',
            ),
          ),
          fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
          async (query, variables) => {
            const res = await blog.req('POST', '/api/graphql', { body: { query, variables } })
            if (res.status === 200) {
              // Syntactically fine documents that only fail inside resolvers still must not have run a write.
              expect(res.json.errors?.length ?? 0, query).toBeGreaterThanOrEqual(0)
              return
            }
            expect4xx(res, `graphql ${query} ${JSON.stringify(variables)?.slice(0, 80)}`)
          },
        ),
        runs,
      )
    })
  })
}
