import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`REST globals (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('GET /api/globals/:slug reads published; drafts need a caller who may read them', async () => {
      const pub = await blog.req('GET', '/api/globals/settings')
      expect(pub.status).toBe(200)
      expect(pub.json).toMatchObject({
        siteName: 'Public Site',
        _status: 'changed',
        _variant: 'published',
      })
      expect(pub.text).not.toContain(SECRET)
      expect((await blog.req('GET', '/api/globals/settings?draft=true')).status).toBe(401)
      const draft = await blog.req('GET', '/api/globals/settings?perspective=drafts', {
        token: blog.tokens.drafts,
      })
      expect(draft.json.siteName).toBe(`${SECRET} Site`)
      expect((await blog.req('GET', '/api/globals/nope')).status).toBe(404)
    })

    it('PATCH (draft and published), publish, discard-draft, revisions', async () => {
      const w = blog.tokens.write
      const d = await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'Draft tagline' },
      })
      expect(d.status).toBe(200)
      expect(d.json).toMatchObject({ tagline: 'Draft tagline', _variant: 'draft' })
      expect((await blog.req('GET', '/api/globals/settings')).json.tagline).toBe('Hello')
      const p = await blog.req('POST', '/api/globals/settings/publish', { token: w })
      expect(p.status).toBe(200)
      expect(p.json._status).toBe('published')
      expect((await blog.req('GET', '/api/globals/settings')).json).toMatchObject({
        tagline: 'Draft tagline',
        siteName: `${SECRET} Site`,
      })
      await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'To discard' },
      })
      const discarded = await blog.req('POST', '/api/globals/settings/discard-draft', { token: w })
      expect(discarded.json.tagline).toBe('Draft tagline')
      const live = await blog.req('PATCH', '/api/globals/settings', {
        token: w,
        body: { siteName: 'Live Site' },
      })
      expect(live.json).toMatchObject({ siteName: 'Live Site', _status: 'published' })
      const revs = await blog.req('GET', '/api/globals/settings/revisions', { token: w })
      expect(revs.status).toBe(200)
      expect(revs.json.totalDocs).toBeGreaterThanOrEqual(5)
    })

    it('PATCH with a stale If-Match is 409; invalid data 422', async () => {
      const w = blog.tokens.write
      const cur = (await blog.req('GET', '/api/globals/settings?draft=true', { token: w })).json
      await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'moved' },
        headers: { 'If-Match': cur._rev },
      })
      const stale = await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'again' },
        headers: { 'If-Match': cur._rev },
      })
      expect(stale.status).toBe(409)
      expect(stale.json.error.currentRevision).toBeTruthy()
      const invalid = await blog.req('PATCH', '/api/globals/settings', {
        token: w,
        body: { siteName: 42 },
      })
      expect(invalid.status).toBe(422)
      expect(invalid.json.error.fields[0].path).toBe('siteName')
    })
  })
}
