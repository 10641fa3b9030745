import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`GraphQL unpublishes globals (${store.name})`, () => {
    let blog: Blog
    const gql = (query: string, token?: string) =>
      blog.req('POST', '/api/graphql', { body: { query }, token })
    const published = async () =>
      (await gql('{ settings { siteName _status } }')).json.data.settings
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })
    beforeEach(async () => {
      // A published global with no pending draft.
      await blog.galley.updateGlobal({ slug: 'settings', data: { siteName: 'Public Site' } })
    })

    it('unpublishSettings takes the published content down; it becomes the draft', async () => {
      expect((await published()).siteName).toBe('Public Site')
      const res = await gql(
        'mutation { unpublishSettings { siteName _status _variant } }',
        blog.tokens.write,
      )
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.unpublishSettings).toEqual({
        siteName: 'Public Site',
        _status: 'draft',
        _variant: 'draft',
      })
      expect((await published()).siteName).not.toBe('Public Site')
      const again = await gql('mutation { publishSettings { _status } }', blog.tokens.write)
      expect(again.json.data.publishSettings._status).toBe('published')
      expect((await published()).siteName).toBe('Public Site')
    })

    it('a stale ifRevision is a conflict; read tokens and anonymous callers are refused', async () => {
      const stale = await gql(
        'mutation { unpublishSettings(ifRevision: "stale") { id } }',
        blog.tokens.write,
      )
      expect(stale.json.errors[0]).toMatchObject({
        path: ['unpublishSettings'],
        extensions: { code: 'CONFLICT' },
      })
      const reader = await gql('mutation { unpublishSettings { id } }', blog.tokens.drafts)
      expect(reader.json.errors[0].extensions.code).toBe('FORBIDDEN')
      const anon = await gql('mutation { unpublishSettings { id } }')
      expect(anon.json.errors[0].extensions.code).toBe('UNAUTHORIZED')
      expect((await published()).siteName).toBe('Public Site')
    })

    it('inside a mutation document that fails, the unpublish is undone', async () => {
      const res = await gql(
        'mutation { u: unpublishSettings { id } b: updatePosts(id: "pub", data: { views: -1 }) { id } }',
        blog.tokens.write,
      )
      expect(res.json.data).toBeNull()
      expect(res.json.errors[0].path).toEqual(['b'])
      expect(await published()).toEqual({ siteName: 'Public Site', _status: 'published' })
      expect((await gql('{ settings { siteName } }')).text).not.toContain(SECRET)
    })
  })
}
