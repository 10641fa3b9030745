import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// Found by review: every write route but POST read and validated its body before it checked
// who was asking, so an anonymous PATCH with a malformed body got 400 with the parser's
// details instead of 401. Access (a read-only token, the collection's or global's rule for
// the write) now comes first on every write route.

const ROUTES: Array<[method: 'PATCH' | 'POST' | 'DELETE', path: string]> = [
  ['POST', '/api/posts'],
  ['PATCH', '/api/posts/pub'],
  ['DELETE', '/api/posts/pub'],
  ['POST', '/api/posts/pub/publish'],
  ['POST', '/api/posts/pub/unpublish'],
  ['POST', '/api/posts/pub/discard-draft'],
  ['POST', '/api/posts/pub/revisions/r1/restore'],
  ['PATCH', '/api/globals/settings'],
  ['POST', '/api/globals/settings/publish'],
  ['POST', '/api/globals/settings/discard-draft'],
  ['POST', '/api/globals/settings/revisions/r1/restore'],
]
const BAD = { raw: '{"title":', headers: { 'content-type': 'application/json' } }

for (const store of STORES) {
  describe.skipIf(store.skip)(`write routes check access before the body (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('anonymous: 401, a read-only token: 403, whatever the body', async () => {
      for (const [method, path] of ROUTES) {
        const anonymous = await blog.req(method, path, BAD)
        expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401)
        expect(anonymous.json.error.message).not.toMatch(/JSON/)
        const reader = await blog.req(method, path, { ...BAD, token: blog.tokens.drafts })
        expect(reader.status, `read token ${method} ${path}`).toBe(403)
      }
      // The published post is as it was.
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')
    })

    it('a caller who may write gets the body’s own error', async () => {
      for (const [method, path] of ROUTES) {
        const res = await blog.req(method, path, { ...BAD, token: blog.tokens.write })
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(res.json.error.code).toBe('INPUT_INVALID')
      }
    })
  })
}
