import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`releases in GraphQL (${store.name})`, () => {
    let blog: Blog
    const gql = (query: string, token?: string, variables?: Record<string, unknown>) =>
      blog.req('POST', '/api/graphql', { body: { query, variables }, token })
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('creates, fills, reads through the release perspective, refuses and publishes', async () => {
      const w = blog.tokens.write
      const made = await gql(
        'mutation { createContentRelease(title: "GQL", type: "undecided") { id state type } }',
        w,
      )
      const rel = made.json.data.createContentRelease
      expect(rel).toMatchObject({ state: 'active', type: 'undecided' })
      await blog.req('PATCH', `/api/posts/pub?release=${rel.id}`, {
        token: w,
        body: { title: 'GQL title' },
      })
      await blog.req('PATCH', `/api/posts/pub2?release=${rel.id}`, {
        token: w,
        body: { title: '' },
      })
      const read = await gql(
        `query($p: String) { postsById(id: "pub", perspective: $p) { title _variant } posts(perspective: $p, where: { title: { equals: "GQL title" } }) { totalDocs } }`,
        blog.tokens.drafts,
        { p: rel.id },
      )
      expect(read.json.data.postsById).toEqual({
        title: 'GQL title',
        _variant: `release:${rel.id}`,
      })
      expect(read.json.data.posts.totalDocs).toBe(1)
      const anon = await gql('{ contentReleases { id } }')
      expect(anon.json.errors[0].extensions.code).toBe('UNAUTHORIZED')
      const leak = await gql(`{ postsById(id: "pub", perspective: "${rel.id}") { title } }`)
      expect(JSON.stringify(leak.json)).not.toContain('GQL title')
      const one = await gql(
        `{ contentReleases { id } contentRelease(id: "${rel.id}") { title documents } }`,
        blog.tokens.drafts,
      )
      expect(one.json.data.contentReleases.map((r: { id: string }) => r.id)).toContain(rel.id)
      expect(one.json.data.contentRelease.documents).toHaveLength(2)
      const refused = await gql(`mutation { publishContentRelease(id: "${rel.id}") }`, w)
      expect(refused.json.errors[0].extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ path: 'posts/pub2.title' }],
      })
      const viewer = await gql(
        `mutation { archiveContentRelease(id: "${rel.id}") { id } }`,
        blog.tokens.drafts,
      )
      expect(viewer.json.errors[0].extensions.code).toBe('FORBIDDEN')
      await blog.req('DELETE', `/api/releases/${rel.id}/documents/posts/pub2`, { token: w })
      const ok = await gql(`mutation { publishContentRelease(id: "${rel.id}") }`, w)
      expect(ok.json.data.publishContentRelease.release.state).toBe('published')
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('GQL title')
    })
  })
}
