import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

/** What a team coming from Payload sends over REST: `_status` in the body, revert in history. */
for (const store of STORES) {
  describe.skipIf(store.skip)(`Payload parity over REST (${store.name})`, () => {
    let blog: Blog
    beforeEach(async () => {
      blog = await setupBlog(store)
    })
    afterEach(async () => {
      await blog?.close()
    })

    const anon = (path: string) => blog.req('GET', path)
    const asWriter = (method: string, path: string, body?: unknown) =>
      blog.req(method, path, { token: blog.tokens.write, body })

    it('PATCH {"_status":"draft"} without ?draft unpublishes and publishes nothing pending', async () => {
      const res = await asWriter('PATCH', '/api/posts/changed', { _status: 'draft' })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ _status: 'draft', title: `Changed ${SECRET} Title` })
      expect((await anon('/api/posts/changed')).status).toBe(404)
      const list = await anon('/api/posts?limit=100')
      expect(list.text).not.toContain(SECRET)
      expect(list.json.docs.map((d: { id: string }) => d.id).sort()).toEqual(['pub', 'pub2'])
      const revs = await asWriter('GET', '/api/posts/changed/revisions')
      expect(revs.json.docs[0]).toMatchObject({ action: 'unpublish' })
    })

    it('PATCH and POST with {"_status":"published"} publish; POST {"_status":"draft"} is a draft', async () => {
      const pub = await asWriter('PATCH', '/api/posts/draft', {
        _status: 'published',
        title: 'Now public',
      })
      expect(pub.status).toBe(200)
      expect((await anon('/api/posts/draft')).json).toMatchObject({
        title: 'Now public',
        _status: 'published',
      })
      const created = await asWriter('POST', '/api/posts', { _status: 'draft', title: 'Hidden' })
      expect(created.status).toBe(201)
      expect(created.json._status).toBe('draft')
      expect((await anon(`/api/posts/${created.json.id}`)).status).toBe(404)
      const live = await asWriter('POST', '/api/posts', { _status: 'published', title: 'Shown' })
      expect((await anon(`/api/posts/${live.json.id}`)).json.title).toBe('Shown')
    })

    it('answers a bad _status with 422 and a contradicting one with 400, changing nothing', async () => {
      const bad = await asWriter('PATCH', '/api/posts/pub', { _status: 'changed', title: 'x' })
      expect(bad.status).toBe(422)
      expect(bad.json.error.fields[0].path).toBe('_status')
      expect(bad.json.error.fields[0].message).toMatch(/'draft' or 'published'/)
      const contra = await asWriter('PATCH', '/api/posts/pub?draft=true', {
        _status: 'published',
        title: 'x',
      })
      expect(contra.status).toBe(400)
      expect(contra.json.error.message).toMatch(/contradicts draft: true/)
      const badCreate = await asWriter('POST', '/api/posts', { _status: 'live', title: 'x' })
      expect(badCreate.status).toBe(422)
      expect((await anon('/api/posts/pub')).json).toMatchObject({
        title: 'Published Post',
        _status: 'published',
      })
    })

    it('PATCH /api/globals/:slug {"_status":"draft"} unpublishes the global', async () => {
      const res = await asWriter('PATCH', '/api/globals/settings', { _status: 'draft' })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ siteName: `${SECRET} Site`, _status: 'draft' })
      const pub = await anon('/api/globals/settings')
      expect(pub.status).toBe(200)
      expect(pub.json).toMatchObject({ _status: null, _rev: null })
      expect(pub.text).not.toContain(SECRET)
      expect(pub.text).not.toContain('Public Site')
    })

    it('discard-draft leaves a revision holding the published content, which can be restored', async () => {
      const back = await asWriter('POST', '/api/posts/changed/discard-draft')
      expect(back.json).toMatchObject({ title: 'Changed Public', _status: 'published' })
      const revs = await asWriter('GET', '/api/posts/changed/revisions')
      const discard = revs.json.docs[0]
      expect(discard).toMatchObject({ action: 'discardDraft', data: { title: 'Changed Public' } })
      const restored = await asWriter('POST', `/api/posts/changed/revisions/${discard.id}/restore`)
      expect(restored.status).toBe(200)
      expect(restored.json).toMatchObject({ title: 'Changed Public', _variant: 'draft' })
    })
  })
}
