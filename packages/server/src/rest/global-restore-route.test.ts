import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from '../../test/helpers/blog'
import { STORES } from '../../test/helpers/stores'

for (const store of STORES) {
  describe(`POST /api/globals/:slug/revisions/:rev/restore (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('restores an old revision as the draft, then publishes one, with If-Match', async () => {
      const { cookie, csrf } = await blog.login('editor@example.com')
      const first = await blog.req('PATCH', '/api/globals/settings?draft=true', {
        cookie,
        csrf,
        body: { siteName: 'Version one' },
      })
      expect(first.status).toBe(200)
      const second = await blog.req('PATCH', '/api/globals/settings?draft=true', {
        cookie,
        csrf,
        body: { siteName: 'Version two' },
      })
      const revs = await blog.req('GET', '/api/globals/settings/revisions', { cookie })
      const one = revs.json.docs.find(
        (r: { data: { siteName?: string } | null }) => r.data?.siteName === 'Version one',
      )
      expect(one).toBeTruthy()
      const stale = await blog.req(
        'POST',
        `/api/globals/settings/revisions/${one.id}/restore?draft=true`,
        { cookie, csrf, headers: { 'if-match': `"${first.json._rev}"` } },
      )
      expect(stale.status).toBe(409)
      const restored = await blog.req(
        'POST',
        `/api/globals/settings/revisions/${one.id}/restore?draft=true`,
        { cookie, csrf, headers: { 'if-match': `"${second.json._rev}"` } },
      )
      expect(restored.status).toBe(200)
      expect(restored.json.siteName).toBe('Version one')
      const pub = await blog.req('GET', '/api/globals/settings')
      expect(pub.json.siteName).not.toBe('Version one')
      const published = await blog.req(
        'POST',
        `/api/globals/settings/revisions/${one.id}/restore?draft=false`,
        { cookie, csrf },
      )
      expect(published.status).toBe(200)
      expect((await blog.req('GET', '/api/globals/settings')).json.siteName).toBe('Version one')
    })

    it('refuses read-only tokens, viewers, anonymous callers and unknown revisions', async () => {
      const revs = await blog.req('GET', '/api/globals/settings/revisions', {
        token: blog.tokens.drafts,
      })
      const any = revs.json.docs[0].id
      const path = `/api/globals/settings/revisions/${any}/restore`
      expect((await blog.req('POST', path, { token: blog.tokens.drafts })).status).toBe(403)
      const viewer = await blog.login('viewer@example.com')
      const asViewer = await blog.req('POST', path, { cookie: viewer.cookie, csrf: viewer.csrf })
      expect(asViewer.status).toBe(403)
      expect(asViewer.text).not.toContain(SECRET)
      expect([401, 403]).toContain((await blog.req('POST', path)).status)
      const editor = await blog.login('editor@example.com')
      const unknown = await blog.req('POST', '/api/globals/settings/revisions/nope/restore', {
        cookie: editor.cookie,
        csrf: editor.csrf,
      })
      expect(unknown.status).toBe(404)
      const noGlobal = await blog.req('POST', `/api/globals/nope/revisions/${any}/restore`, {
        cookie: editor.cookie,
        csrf: editor.csrf,
      })
      expect(noGlobal.status).toBe(404)
    })
  })
}
