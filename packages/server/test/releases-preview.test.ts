import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'
import { ENABLE_URL } from './helpers/preview'

for (const store of STORES) {
  describe.skipIf(store.skip)(`previewing a release (${store.name})`, () => {
    let blog: Blog
    let rel: string
    beforeAll(async () => {
      blog = await setupBlog(store, { preview: { url: ENABLE_URL }, jobs: false })
      const w = blog.tokens.write
      rel = (await blog.req('POST', '/api/releases', { token: w, body: { title: 'Preview me' } }))
        .json.id
      await blog.req('PATCH', `/api/posts/pub?release=${rel}`, {
        token: w,
        body: { title: 'Coming soon' },
      })
    })
    afterAll(async () => {
      await blog?.close()
    })

    /** What a frontend does with a validated secret: read with its perspective. */
    async function frontendRead(secret: string) {
      const v = await blog.req('POST', '/api/preview/validate', {
        token: blog.tokens.drafts,
        body: { secret },
      })
      expect(v.json).toMatchObject({ isValid: true, perspective: `${rel},drafts` })
      const page = await blog.req(
        'GET',
        `/api/posts?perspective=${encodeURIComponent(v.json.perspective)}&sort=title`,
        { token: blog.tokens.drafts },
      )
      return page.json.docs.map((d: { title: string }) => d.title) as string[]
    }

    it('a preview secret bound to the release stack shows the site as the release will make it', async () => {
      const s = await blog.req('POST', '/api/preview/secrets', {
        token: blog.tokens.drafts,
        body: { perspective: `${rel},drafts`, pathname: '/posts/pub' },
      })
      expect(s.status).toBe(201)
      expect(s.json.perspective).toBe(`${rel},drafts`)
      const titles = await frontendRead(s.json.secret)
      expect(titles).toContain('Coming soon')
      expect(titles).not.toContain('Published Post')
      // The public still sees what is published; release content never reaches it.
      const pub = await blog.req('GET', '/api/posts')
      expect(pub.text).not.toContain('Coming soon')
      expect((await blog.req('GET', `/api/posts?perspective=${rel}`)).status).toBe(401)
    })

    it('a named shared link bound to the release works the same way', async () => {
      const share = await blog.req('POST', '/api/preview/shares', {
        token: blog.tokens.drafts,
        body: { name: 'Launch review', perspective: `${rel},drafts`, pathname: '/' },
      })
      expect(share.status).toBe(201)
      expect(await frontendRead(share.json.secret)).toContain('Coming soon')
    })
  })
}
