import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// POST /api/globals/:slug/unpublish follows the rules of POST /api/:collection/:id/unpublish:
// the caller must be allowed to publish (tokens: scope write), If-Match guards the revision,
// errors have the one JSON shape.
for (const store of STORES) {
  describe.skipIf(store.skip)(`POST /api/globals/:slug/unpublish (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    const published = () => blog.req('GET', '/api/globals/settings')
    const unpublish = (opts: Parameters<Blog['req']>[2] = {}) =>
      blog.req('POST', '/api/globals/settings/unpublish', opts)

    it('refuses callers who may not publish, and changes nothing', async () => {
      await published()
      const before = (await published()).text
      expect((await unpublish()).status).toBe(401)
      for (const token of [blog.tokens.published, blog.tokens.drafts]) {
        const res = await unpublish({ token })
        expect(res.status).toBe(403)
        expect(res.json.error.code).toBe('FORBIDDEN')
      }
      const viewer = await blog.login('viewer@example.com')
      const asViewer = await unpublish({ cookie: viewer.cookie, csrf: viewer.csrf })
      expect(asViewer.status).toBe(403)
      // A session write without the CSRF token is refused like any other.
      const editor = await blog.login('editor@example.com')
      expect((await unpublish({ cookie: editor.cookie })).status).toBe(403)
      expect((await published()).text).toBe(before)
    })

    it('a stale If-Match is 409 with the current revision; the right one takes the global down', async () => {
      const w = blog.tokens.write
      const live = (await blog.req('GET', '/api/globals/settings?draft=true', { token: w })).json
      // The draft moves on: the revision the caller saw is no longer current.
      const moved = await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'moved on' },
      })
      expect(moved.status).toBe(200)
      const stale = await unpublish({ token: w, headers: { 'If-Match': live._rev } })
      expect(stale.status).toBe(409)
      expect(stale.json.error.currentRevision).toBe(moved.json._rev)
      expect((await published()).json.siteName).toBe('Public Site')

      const res = await unpublish({ token: w, headers: { 'If-Match': `"${moved.json._rev}"` } })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ _status: 'draft', tagline: 'moved on' })
      // The published read (cached before) answers without the content from the next request on.
      const after = await published()
      expect(after.status).toBe(200)
      expect(after.json.siteName).not.toBe('Public Site')
      expect(after.json._status).toBeNull()
      // Nothing is published any more: a second unpublish says so.
      const again = await unpublish({ token: w })
      expect(again.status).toBe(400)
      expect(again.json.error.code).toBe('INPUT_INVALID')
      // Publishing brings it back.
      expect((await blog.req('POST', '/api/globals/settings/publish', { token: w })).status).toBe(
        200,
      )
      expect((await published()).json.tagline).toBe('moved on')
    })

    it('answers the usual errors: unknown global, bad If-Match, query or body', async () => {
      const w = blog.tokens.write
      const unknown = await blog.req('POST', '/api/globals/nope/unpublish', { token: w })
      expect(unknown.status).toBe(404)
      expect(unknown.json.error.code).toBe('NOT_FOUND')
      const badMatch = await unpublish({ token: w, headers: { 'If-Match': 'not a revision!' } })
      expect(badMatch.status).toBe(400)
      const badQuery = await blog.req('POST', '/api/globals/settings/unpublish?draft=true', {
        token: w,
      })
      expect(badQuery.status).toBe(400)
      const notJson = await unpublish({
        token: w,
        raw: 'x',
        headers: { 'content-type': 'text/plain' },
      })
      expect(notJson.status).toBe(415)
    })
  })
}
