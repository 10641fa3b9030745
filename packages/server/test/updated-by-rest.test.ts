import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// `updatedBy` (who wrote the content shown) is for people who read drafts: it comes with
// drafts, raw and release reads, and never with a published read, which is public and cached.
for (const store of STORES) {
  describe.skipIf(store.skip)(`REST and GraphQL updatedBy (${store.name})`, () => {
    let blog: Blog
    let editorId: string
    beforeAll(async () => {
      blog = await setupBlog(store)
      const { cookie, csrf, res } = await blog.login('editor@example.com')
      editorId = String(res.json.user.id)
      const saved = await blog.req('PATCH', '/api/posts/pub?draft=true', {
        cookie,
        csrf,
        body: { title: 'Edited by the editor' },
      })
      expect(saved.status).toBe(200)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('names the editor in drafts reads by id and in lists', async () => {
      const one = await blog.req('GET', '/api/posts/pub?draft=true', { token: blog.tokens.drafts })
      expect(one.json).toMatchObject({ title: 'Edited by the editor', updatedBy: editorId })
      const list = await blog.req('GET', '/api/posts?draft=true&where[id][equals]=pub', {
        token: blog.tokens.drafts,
      })
      expect(list.json.docs.map((d: any) => [d.title, d.updatedBy])).toEqual([
        ['Edited by the editor', editorId],
      ])
      // Content written by server code has no author.
      const changed = await blog.req('GET', '/api/posts/changed?draft=true', {
        token: blog.tokens.drafts,
      })
      expect(changed.json.updatedBy).toBeNull()
    })

    it('answers the updatedBy field in GraphQL drafts reads, null in published ones', async () => {
      const query =
        '{ d: postsById(id: "pub", draft: true) { title updatedBy } p: postsById(id: "pub") { title updatedBy } l: posts(perspective: "drafts", where: { id: { equals: "pub" } }) { docs { updatedBy } } }'
      const res = await blog.req('POST', '/api/graphql', {
        body: { query },
        token: blog.tokens.drafts,
      })
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.d).toEqual({ title: 'Edited by the editor', updatedBy: editorId })
      expect(res.json.data.p).toEqual({ title: 'Published Post', updatedBy: null })
      expect(res.json.data.l.docs).toEqual([{ updatedBy: editorId }])
    })

    it('is absent from every published answer, anonymous or not', async () => {
      for (const [path, token] of [
        ['/api/posts/pub', undefined],
        ['/api/posts/pub', blog.tokens.drafts],
        ['/api/posts', undefined],
        ['/api/posts?where[slug][equals]=published-post', blog.tokens.published],
        ['/api/globals/settings', undefined],
      ] as const) {
        const res = await blog.req('GET', path, { token })
        expect(res.status, path).toBe(200)
        expect(res.text, path).not.toContain('updatedBy')
      }
    })
  })
}
