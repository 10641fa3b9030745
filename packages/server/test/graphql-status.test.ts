import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`GraphQL writes with _status (${store.name})`, () => {
    let blog: Blog
    const gql = (query: string, variables?: Record<string, unknown>) =>
      blog.req('POST', '/api/graphql', { body: { query, variables }, token: blog.tokens.write })
    const anonymous = (path: string) => blog.req('GET', path)
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it("_status 'draft' in data unpublishes a published document, as the Payload seed writes it", async () => {
      expect((await anonymous('/api/posts/pub')).status).toBe(200)
      const res = await gql(
        'mutation { updatePosts(id: "pub", data: { _status: "draft", title: "Pulled" }) { _status _variant title } }',
      )
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.updatePosts).toEqual({
        _status: 'draft',
        _variant: 'draft',
        title: 'Pulled',
      })
      expect((await anonymous('/api/posts/pub')).status).toBe(404)
    })

    it('the _status argument (an enum) does the same, and never publishes a pending draft', async () => {
      const res = await gql(
        'mutation { updatePosts(id: "changed", _status: draft, data: { views: 1 }) { _status } }',
      )
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.updatePosts._status).toBe('draft')
      const pub = await anonymous('/api/posts/changed')
      expect(pub.status).toBe(404)
      expect(pub.text).not.toContain(SECRET)
      const list = await anonymous('/api/posts?limit=50')
      expect(list.text).not.toContain(SECRET)
    })

    it("create with _status 'draft' makes a never-published draft; 'published' publishes", async () => {
      const d = await gql(
        'mutation($d: JSON!) { createPosts(id: "st-draft", data: $d) { _status _variant } }',
        { d: { _status: 'draft' } }, // a draft may leave required fields empty
      )
      expect(d.json.data.createPosts).toEqual({ _status: 'draft', _variant: 'draft' })
      expect((await anonymous('/api/posts/st-draft')).status).toBe(404)
      const p = await gql(
        'mutation { createPosts(id: "st-pub", _status: published, data: { title: "Live" }) { _status } }',
      )
      expect(p.json.data.createPosts._status).toBe('published')
      expect((await anonymous('/api/posts/st-pub')).json.title).toBe('Live')
    })

    it('other values, and contradictions, are refused with what to send instead', async () => {
      const changed = await gql(
        'mutation { updatePosts(id: "pub2", data: { _status: "changed" }) { id } }',
      )
      expect(changed.json.errors[0].extensions.code).toBe('VALIDATION_FAILED')
      expect(changed.json.errors[0].extensions.fields[0]).toMatchObject({ path: '_status' })
      expect(changed.json.errors[0].extensions.fields[0].message).toMatch(/'draft' or 'published'/)
      const enumArg = await gql(
        'mutation { updatePosts(id: "pub2", _status: changed, data: {}) { id } }',
      )
      expect(enumArg.status).toBe(400)
      expect(enumArg.json.errors[0].message).toMatch(/WriteStatus/)
      const contradiction = await gql(
        'mutation { updatePosts(id: "pub2", draft: true, _status: published, data: {}) { id } }',
      )
      expect(contradiction.json.errors[0].extensions.code).toBe('INPUT_INVALID')
      expect(contradiction.json.errors[0].message).toMatch(/contradicts draft: true/)
      const twice = await gql(
        'mutation { updatePosts(id: "pub2", _status: draft, data: { _status: "published" }) { id } }',
      )
      expect(twice.json.errors[0].extensions.code).toBe('INPUT_INVALID')
      expect(twice.json.errors[0].message).toMatch(/send it once/)
      expect((await anonymous('/api/posts/pub2')).status).toBe(200) // nothing changed
    })

    it("globals take _status too: 'draft' unpublishes the global", async () => {
      const res = await gql('mutation { updateSettings(_status: draft, data: {}) { _status } }')
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.updateSettings._status).toBe('draft')
      const pub = await anonymous('/api/globals/settings')
      expect(pub.text).not.toContain('Public Site')
    })
  })
}
