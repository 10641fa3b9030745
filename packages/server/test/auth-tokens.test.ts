import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`API tokens (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('are stored only as SHA-256 hashes', async () => {
      const stored = JSON.stringify(
        await blog.galley.find({ collection: 'galley-tokens', limit: 100 }),
      )
      for (const t of Object.values(blog.tokens)) {
        expect(stored).not.toContain(t)
        expect(stored).not.toContain(t.slice(12))
      }
    })

    it('read:published is anonymous-equivalent: no drafts anywhere', async () => {
      const t = blog.tokens.published
      const res = await blog.req('GET', '/api/posts?draft=true', { token: t })
      expect(res.status).toBe(403)
      expect(res.text).not.toContain(SECRET)
      expect((await blog.req('GET', '/api/posts/draft', { token: t })).status).toBe(404)
      expect((await blog.req('GET', '/api/posts', { token: t })).json.totalDocs).toBe(3)
      expect(
        (await blog.req('POST', '/api/posts', { token: t, body: { title: 'x' } })).status,
      ).toBe(403)
    })

    it('read:drafts reads drafts but can never write, whatever the access rules', async () => {
      const t = blog.tokens.drafts
      expect((await blog.req('GET', '/api/posts?draft=true', { token: t })).json.totalDocs).toBe(4)
      const res = await blog.req('POST', '/api/posts?draft=true', {
        token: t,
        body: { title: 'x' },
      })
      expect(res.status).toBe(403)
      expect(res.json.error.message).toMatch(/scope 'read:drafts'/)
      expect((await blog.req('POST', '/api/posts/draft/publish', { token: t })).status).toBe(403)
      expect(
        (await blog.req('PATCH', '/api/globals/settings', { token: t, body: { tagline: 'x' } }))
          .status,
      ).toBe(403)
    })

    it('write writes and publishes', async () => {
      const t = blog.tokens.write
      const c = await blog.req('POST', '/api/posts?draft=true', {
        token: t,
        body: { title: 'by token' },
      })
      expect(c.status).toBe(201)
      expect((await blog.req('POST', `/api/posts/${c.json.id}/publish`, { token: t })).status).toBe(
        200,
      )
      expect((await blog.req('GET', '/api/auth/me', { token: t })).json).toMatchObject({
        token: { name: 'ci', scope: 'write' },
        user: { role: 'editor', kind: 'token' },
      })
    })

    it('a token in the query string is refused with 400, even a valid one', async () => {
      for (const p of [
        'token',
        'access_token',
        'api_key',
        'apikey',
        '%74oken',
        'api%5Fkey',
        'x=1&token',
      ]) {
        const res = await blog.req('GET', `/api/posts?${p}=${blog.tokens.drafts}`)
        expect(res.status, p).toBe(400)
        expect(res.json.error.message).toMatch(/Authorization: Bearer/)
      }
      expect(
        (await blog.req('GET', `/api/graphql?query={posts{totalDocs}}&token=${blog.tokens.drafts}`))
          .status,
      ).toBe(400)
      expect(
        (
          await blog.req('POST', `/api/posts?access_token=${blog.tokens.write}`, {
            body: { title: 'x' },
          })
        ).status,
      ).toBe(400)
    })

    it('unknown, malformed or revoked tokens are 401, never a silent anonymous read', async () => {
      expect((await blog.req('GET', '/api/posts', { token: 'gly_' + 'a'.repeat(43) })).status).toBe(
        401,
      )
      expect((await blog.req('GET', '/api/posts', { token: 'nonsense' })).status).toBe(401)
      expect(
        (await blog.req('GET', '/api/posts', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }))
          .status,
      ).toBe(401)
      expect(
        (await blog.req('GET', '/api/posts', { headers: { authorization: 'Bearer' } })).status,
      ).toBe(401)
      const { token } = await blog.store.createToken({ name: 'temp', scope: 'read:drafts' })
      expect((await blog.req('GET', '/api/posts?draft=true', { token })).status).toBe(200)
      await blog.store.revokeToken('temp')
      const res = await blog.req('GET', '/api/posts?draft=true', { token })
      expect(res.status).toBe(401)
      expect(res.json.error.code).toBe('UNAUTHORIZED')
    })

    it('token names are unique; list shows name, scope and prefix only', async () => {
      await expect(blog.store.createToken({ name: 'site', scope: 'write' })).rejects.toMatchObject({
        status: 422,
      })
      const list = await blog.store.listTokens()
      expect(list.map((t) => t.name)).toEqual(expect.arrayContaining(['ci', 'preview', 'site']))
      expect(list.find((t) => t.name === 'ci')!.prefix).toBe(blog.tokens.write.slice(0, 12))
    })
  })
}
