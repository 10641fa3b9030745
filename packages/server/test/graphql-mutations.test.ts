import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ChangeEvent } from '@galley/core'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(
    `GraphQL mutation documents are one transaction (${store.name})`,
    () => {
      let blog: Blog
      let events: ChangeEvent[] = []
      let stop: () => void
      const gql = (query: string, variables?: Record<string, unknown>) =>
        blog.req('POST', '/api/graphql', { body: { query, variables }, token: blog.tokens.write })
      const draftOf = async (id: string) =>
        blog.galley.findById({ collection: 'posts', id, perspective: 'drafts' })
      const revisions = async (id: string) =>
        (await blog.galley.listRevisions({ collection: 'posts', id })).totalDocs

      beforeAll(async () => {
        blog = await setupBlog(store)
        stop = blog.galley.subscribe((e) => events.push(e))
      })
      afterAll(async () => {
        stop?.()
        await blog?.close()
      })
      beforeEach(() => {
        events = []
      })

      it('a field that fails undoes the fields before it, and says which failed and why', async () => {
        const before = await revisions('pub')
        const res = await gql(
          'mutation { a: updatePosts(id: "pub", draft: true, data: { title: "first" }) { id } b: updatePosts(id: "pub", draft: true, data: { tags: ["bad"] }) { id } }',
        )
        expect(res.status).toBe(200)
        expect(res.json.data).toBeNull()
        expect(res.json.errors).toHaveLength(1)
        expect(res.json.errors[0]).toMatchObject({
          path: ['b'],
          extensions: { code: 'VALIDATION_FAILED' },
        })
        expect(res.json.errors[0].extensions.fields[0].path).toBe('tags')
        expect((await draftOf('pub'))!.title).toBe('Published Post')
        expect((await draftOf('pub'))!._variant).toBe('published')
        expect(await revisions('pub')).toBe(before)
        expect(events).toEqual([])
      })

      it('a create, an update and a publish in one document commit together', async () => {
        const res = await gql(
          'mutation { c: createPosts(id: "tx-one", draft: true, data: { title: "One" }) { id _status } u: updatePosts(id: "tx-one", draft: true, data: { title: "One, edited" }) { title } p: publishPosts(id: "tx-one") { _status title } }',
        )
        expect(res.json.errors).toBeUndefined()
        expect(res.json.data).toEqual({
          c: { id: 'tx-one', _status: 'draft' },
          u: { title: 'One, edited' },
          p: { _status: 'published', title: 'One, edited' },
        })
        const pub = await blog.req('GET', '/api/posts/tx-one')
        expect(pub.json.title).toBe('One, edited')
        // Events are announced after the commit, one per write.
        expect(events.map((e) => e.id)).toEqual(['tx-one', 'tx-one', 'tx-one'])
      })

      it('a create followed by a failing write leaves no document and sends no event', async () => {
        const res = await gql(
          'mutation { c: createPosts(id: "tx-gone", data: { title: "Gone" }) { id } p: publishPosts(id: "pub", ifRevision: "stale") { id } }',
        )
        expect(res.json.data).toBeNull()
        expect(res.json.errors[0]).toMatchObject({ path: ['p'], extensions: { code: 'CONFLICT' } })
        expect(res.json.errors[0].message).toBeTruthy()
        expect(
          await blog.galley.findById({ collection: 'posts', id: 'tx-gone', perspective: 'raw' }),
        ).toBeNull()
        expect(
          (await blog.req('GET', '/api/posts/tx-gone', { token: blog.tokens.drafts })).status,
        ).toBe(404)
        expect(events).toEqual([])
        // The id is free: the same create alone succeeds.
        const again = await gql(
          'mutation { createPosts(id: "tx-gone", data: { title: "Back" }) { id } }',
        )
        expect(again.json.data.createPosts.id).toBe('tx-gone')
      })

      it('a delete and a refused write: the delete is undone', async () => {
        const res = await gql(
          'mutation { d: deletePosts(id: "pub2") { id } x: updatePosts(id: "nope", data: { title: "x" }) { id } }',
        )
        expect(res.json.data).toBeNull()
        expect(res.json.errors[0]).toMatchObject({ path: ['x'], extensions: { code: 'NOT_FOUND' } })
        expect((await blog.req('GET', '/api/posts/pub2')).status).toBe(200)
      })

      it('globals and collections share the transaction', async () => {
        const res = await gql(
          'mutation { s: updateSettings(data: { tagline: "tx tagline" }) { tagline } b: updatePosts(id: "pub", data: { views: -1 }) { id } }',
        )
        expect(res.json.errors[0].path).toEqual(['b'])
        const settings = await blog.req('GET', '/api/globals/settings')
        expect(settings.json.tagline).toBe('Hello')
      })

      it('variables that do not fit are still a 400, and queries are unaffected', async () => {
        const bad = await gql('mutation($d: JSON!) { createPosts(data: $d) { id } }', {})
        expect(bad.status).toBe(400)
        const q = await gql('{ posts { totalDocs } }')
        expect(q.json.data.posts.totalDocs).toBeGreaterThan(0)
      })
    },
  )
}
