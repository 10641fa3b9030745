import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`REST collections (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('GET /api/:collection lists published documents', async () => {
      const res = await blog.req('GET', '/api/posts?sort=title')
      expect(res.status).toBe(200)
      expect(res.json.docs.map((d: any) => d.id)).toEqual(['changed', 'pub', 'pub2'])
      expect(res.json).toMatchObject({ totalDocs: 3, page: 1, limit: 10, hasNextPage: false })
    })

    it('GET /api/:collection/:id returns one document, 404 when missing', async () => {
      const res = await blog.req('GET', '/api/posts/pub')
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({
        id: 'pub',
        title: 'Published Post',
        _status: 'published',
        _variant: 'published',
      })
      const missing = await blog.req('GET', '/api/posts/nope')
      expect(missing.status).toBe(404)
      expect(missing.json.error.code).toBe('NOT_FOUND')
      const hidden = await blog.req('GET', '/api/posts/draft')
      expect(hidden.status).toBe(404)
      expect(hidden.text).not.toContain(SECRET)
    })

    it('unknown collections are 404 and list the known ones', async () => {
      const res = await blog.req('GET', '/api/nothing')
      expect(res.status).toBe(404)
      expect(res.json.error.message).toContain('posts')
    })

    it('POST creates published (201) or, with ?draft=true, a draft', async () => {
      const pub = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 'Created', slug: 'created-1' },
      })
      expect(pub.status).toBe(201)
      expect(pub.json).toMatchObject({ title: 'Created', _status: 'published' })
      const draft = await blog.req('POST', '/api/posts?draft=true', {
        token: blog.tokens.write,
        body: { slug: 'no-title-yet' },
      })
      expect(draft.status).toBe(201)
      expect(draft.json._status).toBe('draft')
      expect((await blog.req('GET', `/api/posts/${draft.json.id}`)).status).toBe(404)
      expect(
        (
          await blog.req('GET', `/api/posts/${draft.json.id}?draft=true`, {
            token: blog.tokens.drafts,
          })
        ).json.slug,
      ).toBe('no-title-yet')
    })

    it('POST accepts a chosen id and refuses a duplicate with 409', async () => {
      const a = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { id: 'my-id', title: 'Mine' },
      })
      expect(a.status).toBe(201)
      expect(a.json.id).toBe('my-id')
      const b = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { id: 'my-id', title: 'Again' },
      })
      expect(b.status).toBe(409)
      expect(b.json.error.code).toBe('CONFLICT')
      expect(b.json.error.currentRevision).toBe(a.json._rev)
    })

    it('POST with invalid data is 422 with field errors; a missing required field is fine for drafts', async () => {
      const res = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { views: -1 },
      })
      expect(res.status).toBe(422)
      expect(res.json.error.code).toBe('VALIDATION_FAILED')
      expect(res.json.error.fields.map((f: any) => f.path).sort()).toEqual(['title', 'views'])
      const unknown = await blog.req('POST', '/api/posts?draft=true', {
        token: blog.tokens.write,
        body: { nope: 1 },
      })
      expect(unknown.status).toBe(422)
      expect(unknown.json.error.fields[0].path).toBe('nope')
    })

    it('PATCH updates; ?draft=true keeps the published version; ?autosave=true coalesces', async () => {
      const created = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 'Patch me' },
      })
      const id = created.json.id
      const d1 = await blog.req('PATCH', `/api/posts/${id}?draft=true`, {
        token: blog.tokens.write,
        body: { title: 'Draft title' },
      })
      expect(d1.status).toBe(200)
      expect(d1.json).toMatchObject({ title: 'Draft title', _status: 'changed', _variant: 'draft' })
      expect((await blog.req('GET', `/api/posts/${id}`)).json.title).toBe('Patch me')
      await blog.req('PATCH', `/api/posts/${id}?autosave=true`, {
        token: blog.tokens.write,
        body: { title: 'auto 1' },
      })
      await blog.req('PATCH', `/api/posts/${id}?autosave=true`, {
        token: blog.tokens.write,
        body: { title: 'auto 2' },
      })
      const revs = await blog.req('GET', `/api/posts/${id}/revisions`, { token: blog.tokens.write })
      expect(revs.json.docs.filter((r: any) => r.autosave)).toHaveLength(1)
      const pub = await blog.req('PATCH', `/api/posts/${id}`, {
        token: blog.tokens.write,
        body: { title: 'Live' },
      })
      expect(pub.json).toMatchObject({ title: 'Live', _status: 'published' })
    })

    it('PATCH with a stale If-Match is 409 with currentRevision; the current one succeeds', async () => {
      const created = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 'Conflict' },
      })
      const rev = created.json._rev
      const first = await blog.req('PATCH', `/api/posts/${created.json.id}?draft=true`, {
        token: blog.tokens.write,
        body: { title: 'one' },
        headers: { 'If-Match': `"${rev}"` },
      })
      expect(first.status).toBe(200)
      const stale = await blog.req('PATCH', `/api/posts/${created.json.id}?draft=true`, {
        token: blog.tokens.write,
        body: { title: 'two' },
        headers: { 'If-Match': rev },
      })
      expect(stale.status).toBe(409)
      expect(stale.json.error).toMatchObject({ code: 'CONFLICT', currentRevision: first.json._rev })
      const bad = await blog.req('PATCH', `/api/posts/${created.json.id}`, {
        token: blog.tokens.write,
        body: { title: 'x' },
        headers: { 'If-Match': 'a, b' },
      })
      expect(bad.status).toBe(400)
    })

    it('PATCH of a missing document is 404', async () => {
      const res = await blog.req('PATCH', '/api/posts/missing-doc', {
        token: blog.tokens.write,
        body: { title: 'x' },
      })
      expect(res.status).toBe(404)
    })

    it('publish, unpublish and discard-draft map to the Local API', async () => {
      const id = (
        await blog.req('POST', '/api/posts?draft=true', {
          token: blog.tokens.write,
          body: { title: 'Flow' },
        })
      ).json.id
      const pub = await blog.req('POST', `/api/posts/${id}/publish`, { token: blog.tokens.write })
      expect(pub.status).toBe(200)
      expect(pub.json._status).toBe('published')
      expect((await blog.req('GET', `/api/posts/${id}`)).json.title).toBe('Flow')
      await blog.req('PATCH', `/api/posts/${id}?draft=true`, {
        token: blog.tokens.write,
        body: { title: 'Flow v2' },
      })
      const discarded = await blog.req('POST', `/api/posts/${id}/discard-draft`, {
        token: blog.tokens.write,
      })
      expect(discarded.json).toMatchObject({ title: 'Flow', _status: 'published' })
      const unpub = await blog.req('POST', `/api/posts/${id}/unpublish`, {
        token: blog.tokens.write,
      })
      expect(unpub.json._status).toBe('draft')
      expect((await blog.req('GET', `/api/posts/${id}`)).status).toBe(404)
    })

    it('publish with a stale If-Match is 409', async () => {
      const c = await blog.req('POST', '/api/posts?draft=true', {
        token: blog.tokens.write,
        body: { title: 'S' },
      })
      await blog.req('PATCH', `/api/posts/${c.json.id}?draft=true`, {
        token: blog.tokens.write,
        body: { title: 'S2' },
      })
      const res = await blog.req('POST', `/api/posts/${c.json.id}/publish`, {
        token: blog.tokens.write,
        headers: { 'If-Match': c.json._rev },
      })
      expect(res.status).toBe(409)
    })

    it('GET revisions lists history (newest first) and restore brings an old one back as the draft', async () => {
      const c = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 'Rev 1' },
      })
      await blog.req('PATCH', `/api/posts/${c.json.id}`, {
        token: blog.tokens.write,
        body: { title: 'Rev 2' },
      })
      const revs = await blog.req('GET', `/api/posts/${c.json.id}/revisions?limit=5`, {
        token: blog.tokens.write,
      })
      expect(revs.status).toBe(200)
      expect(revs.json.totalDocs).toBe(2)
      const oldest = revs.json.docs[1]
      expect(oldest.data.title).toBe('Rev 1')
      const restored = await blog.req(
        'POST',
        `/api/posts/${c.json.id}/revisions/${oldest.id}/restore`,
        { token: blog.tokens.write },
      )
      expect(restored.status).toBe(200)
      expect(restored.json).toMatchObject({ title: 'Rev 1', _variant: 'draft', _status: 'changed' })
      const published = await blog.req(
        'POST',
        `/api/posts/${c.json.id}/revisions/${oldest.id}/restore?draft=false`,
        { token: blog.tokens.write },
      )
      expect(published.json).toMatchObject({ title: 'Rev 1', _status: 'published' })
      const missing = await blog.req('POST', `/api/posts/${c.json.id}/revisions/nope/restore`, {
        token: blog.tokens.write,
      })
      expect(missing.status).toBe(404)
    })

    it('DELETE removes a document (and 404s afterwards); stale If-Match is 409', async () => {
      const c = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 'Delete me' },
      })
      await blog.req('PATCH', `/api/posts/${c.json.id}`, {
        token: blog.tokens.write,
        body: { title: 'Delete me 2' },
      })
      const stale = await blog.req('DELETE', `/api/posts/${c.json.id}`, {
        token: blog.tokens.write,
        headers: { 'If-Match': c.json._rev },
      })
      expect(stale.status).toBe(409)
      const res = await blog.req('DELETE', `/api/posts/${c.json.id}`, { token: blog.tokens.write })
      expect(res.status).toBe(200)
      expect(res.json).toEqual({ id: c.json.id })
      expect(
        (await blog.req('GET', `/api/posts/${c.json.id}?draft=true`, { token: blog.tokens.write }))
          .status,
      ).toBe(404)
      expect(
        (await blog.req('DELETE', `/api/posts/${c.json.id}`, { token: blog.tokens.write })).status,
      ).toBe(404)
    })

    it('anonymous writes are 401 on every write route and change nothing', async () => {
      const routes: Array<[string, string]> = [
        ['POST', '/api/posts'],
        ['PATCH', '/api/posts/pub'],
        ['DELETE', '/api/posts/pub'],
        ['POST', '/api/posts/changed/publish'],
        ['POST', '/api/posts/pub/unpublish'],
        ['POST', '/api/posts/changed/discard-draft'],
        ['POST', '/api/posts/pub/revisions/x/restore'],
        ['PATCH', '/api/globals/settings'],
        ['POST', '/api/globals/settings/publish'],
      ]
      for (const [m, p] of routes) {
        const res = await blog.req(m, p, { body: { title: 'hack' } })
        expect(res.status, `${m} ${p}`).toBe(401)
        expect(res.json.error.code).toBe('UNAUTHORIZED')
      }
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')
    })
  })
}
