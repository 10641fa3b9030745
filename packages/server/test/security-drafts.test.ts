import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog, type Res } from './helpers/blog'
import { STORES } from './helpers/stores'

/** Query-string pieces that try to reach draft content. */
const PERSPECTIVES = [
  undefined,
  'published',
  'drafts',
  'raw',
  'spring',
  'spring,drafts',
  'drafts,published',
  'published,drafts',
  ' drafts',
  'DRAFTS',
  '',
  'spring,published',
]
const DRAFT_FLAGS = [undefined, 'true', '1', 'false', '', 'yes']
const WHERES = [
  undefined,
  `where[title][like]=${SECRET}`,
  `where[title][contains]=${SECRET}`,
  `where[title][equals]=Draft%20${SECRET}%20Only`,
  `where[title][equals]=Changed%20${SECRET}%20Title`,
  'where[views][equals]=99',
  'where[views][equals]=5',
  'where[id][equals]=draft',
  'where[author][equals]=ghost',
  'where[_status][equals]=draft',
  `where[seo.title][like]=${SECRET}`,
  `where[or][0][title][like]=${SECRET}&where[or][1][id][equals]=draft`,
  `where=${encodeURIComponent(JSON.stringify({ or: [{ title: { like: SECRET } }, { views: { gt: 50 } }] }))}`,
]
const DEPTHS = [undefined, '0', '1', '2', '3']

function qs(parts: Array<[string, string | undefined]>, extra?: string): string {
  const list = parts
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
  if (extra) list.push(extra)
  return list.length ? `?${list.join('&')}` : ''
}

/** No draft content, and no never-published document, in a response anyone without drafts access got. */
function expectNoDrafts(res: Res, what: string) {
  expect(res.status, what).not.toBe(500)
  expect(res.text, what).not.toContain(SECRET)
  expect(res.text, what).not.toContain('"id":"draft"')
  expect(res.text, what).not.toContain('"_variant":"draft"')
  expect(res.text, what).not.toContain('release:')
  if (res.status === 200 && res.json?.docs) {
    for (const d of res.json.docs) expect(d._variant, what).toBe('published')
  }
}

for (const store of STORES) {
  describe.skipIf(store.skip)(
    `no draft leaks to anonymous or read:published callers (${store.name})`,
    () => {
      let blog: Blog
      let callers: Array<{ name: string; token?: string }>
      beforeAll(async () => {
        blog = await setupBlog(store)
        await blog.galley.update({
          collection: 'posts',
          id: 'pub',
          data: { title: `Spring ${SECRET}` },
          release: 'spring',
        })
        callers = [{ name: 'anonymous' }, { name: 'read:published', token: blog.tokens.published }]
      })
      afterAll(async () => {
        await blog?.close()
      })

      it('collection lists, for every perspective / draft / where / depth combination', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...PERSPECTIVES),
            fc.constantFrom(...DRAFT_FLAGS),
            fc.constantFrom(...WHERES),
            fc.constantFrom(...DEPTHS),
            fc.constantFrom('posts', 'authors'),
            fc.constantFrom(0, 1),
            async (perspective, draft, where, depth, coll, who) => {
              const w =
                coll === 'posts' ? where : where?.replace(/title|views|seo\.title|author/g, 'name')
              const path = `/api/${coll}${qs(
                [
                  ['perspective', perspective],
                  ['draft', draft],
                  ['depth', depth],
                ],
                w,
              )}`
              const res = await blog.req('GET', path, { token: callers[who]!.token })
              expectNoDrafts(res, `${callers[who]!.name} GET ${path}`)
            },
          ),
          { numRuns: 250 },
        )
      })

      it('filtering on draft-only values finds nothing', async () => {
        for (const c of callers) {
          for (const w of WHERES.slice(1, 7)) {
            const res = await blog.req('GET', `/api/posts?${w}`, { token: c.token })
            expect(res.status).toBe(200)
            expect(res.json.totalDocs, w).toBe(0)
          }
        }
      })

      it('documents by id, globals and revisions', async () => {
        for (const c of callers) {
          for (const id of ['draft', 'changed', 'pub', 'pub2', 'ghost', 'ada']) {
            const coll = ['ghost', 'ada'].includes(id) ? 'authors' : 'posts'
            for (const p of PERSPECTIVES) {
              for (const depth of DEPTHS) {
                const path = `/api/${coll}/${id}${qs([
                  ['perspective', p],
                  ['depth', depth],
                ])}`
                expectNoDrafts(await blog.req('GET', path, { token: c.token }), `${c.name} ${path}`)
              }
            }
            for (const d of DRAFT_FLAGS)
              expectNoDrafts(
                await blog.req('GET', `/api/${coll}/${id}${qs([['draft', d]])}`, {
                  token: c.token,
                }),
                `${id} draft=${d}`,
              )
            const revs = await blog.req('GET', `/api/${coll}/${id}/revisions`, { token: c.token })
            expect(revs.status).toBeGreaterThanOrEqual(401)
            expectNoDrafts(revs, `${c.name} revisions ${id}`)
          }
          for (const p of PERSPECTIVES)
            expectNoDrafts(
              await blog.req('GET', `/api/globals/settings${qs([['perspective', p]])}`, {
                token: c.token,
              }),
              `global ${p}`,
            )
          expectNoDrafts(
            await blog.req('GET', '/api/globals/settings?draft=true', { token: c.token }),
            'global draft',
          )
          expect(
            (await blog.req('GET', '/api/globals/settings/revisions', { token: c.token })).status,
          ).toBeGreaterThanOrEqual(401)
        }
      })

      it('a published post that points at a draft-only author never embeds it, at any depth', async () => {
        for (const c of callers) {
          for (const depth of ['1', '2', '3']) {
            const res = await blog.req('GET', `/api/posts/pub2?depth=${depth}`, { token: c.token })
            expect(res.json.author).toBe('ghost')
            expectNoDrafts(res, `depth ${depth}`)
          }
        }
      })

      it('GraphQL queries, with every argument combination', async () => {
        const docFields = 'id title _variant _status views seo { title } author { id name bio }'
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...PERSPECTIVES),
            fc.constantFrom(undefined, true, false),
            fc.constantFrom(
              undefined,
              { title: { like: SECRET } },
              { views: { equals: 99 } },
              { id: { equals: 'draft' } },
              { or: [{ id: { equals: 'draft' } }, { id: { equals: 'changed' } }] },
            ),
            fc.constantFrom('draft', 'changed', 'pub', 'pub2'),
            fc.constantFrom(0, 1),
            async (perspective, draft, where, id, who) => {
              const query = `query($p: String, $d: Boolean, $w: JSON, $id: ID!) {
              posts(perspective: $p, draft: $d, where: $w) { totalDocs docs { ${docFields} } }
              postsById(id: $id, perspective: $p, draft: $d) { ${docFields} }
              authors(perspective: $p, draft: $d) { docs { name bio } }
              ghost: authorsById(id: "ghost", perspective: $p, draft: $d) { name }
              settings(perspective: $p, draft: $d) { siteName }
            }`
              const res = await blog.req('POST', '/api/graphql', {
                body: { query, variables: { p: perspective, d: draft, w: where, id } },
                token: callers[who]!.token,
              })
              expectNoDrafts(res, `GraphQL ${JSON.stringify({ perspective, draft, where, id })}`)
              if (res.json?.data?.posts)
                expect(res.json.data.posts.docs.every((d: any) => d._variant === 'published')).toBe(
                  true,
                )
            },
          ),
          { numRuns: 150 },
        )
      })

      it('GraphQL over GET, and introspection, leak nothing either', async () => {
        const q = encodeURIComponent(
          `{ posts(draft: true) { docs { title } } postsById(id: "draft") { title } }`,
        )
        expectNoDrafts(await blog.req('GET', `/api/graphql?query=${q}`), 'GET graphql')
        expectNoDrafts(
          await blog.req('POST', '/api/graphql', {
            body: { query: '{ __schema { types { name } } }' },
          }),
          'introspection',
        )
      })
    },
  )
}
