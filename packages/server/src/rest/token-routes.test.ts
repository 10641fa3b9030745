import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from '../../test/helpers/blog'
import { STORES } from '../../test/helpers/stores'

for (const store of STORES) {
  describe(`/api/auth/tokens and /api/schema/people (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('lets a signed-in admin create a token (shown once), list it and revoke it', async () => {
      const { cookie, csrf } = await blog.login('admin@example.com')
      const created = await blog.req('POST', '/api/auth/tokens', {
        cookie,
        csrf,
        body: { name: 'Build bot', scope: 'read:drafts' },
      })
      expect(created.status).toBe(201)
      expect(created.json.token).toMatch(/^gly_/)
      expect(created.json).toMatchObject({ name: 'Build bot', scope: 'read:drafts' })
      // The new token works.
      const read = await blog.req('GET', '/api/posts?draft=true', { token: created.json.token })
      expect(read.status).toBe(200)
      const list = await blog.req('GET', '/api/auth/tokens', { cookie })
      expect(list.status).toBe(200)
      const listed = list.json.tokens.find((t: { name: string }) => t.name === 'Build bot')
      expect(listed).toMatchObject({ scope: 'read:drafts', createdByEmail: 'admin@example.com' })
      expect(list.text).not.toContain(created.json.token)
      const dup = await blog.req('POST', '/api/auth/tokens', {
        cookie,
        csrf,
        body: { name: 'Build bot', scope: 'write' },
      })
      expect(dup.status).toBe(400)
      expect(dup.json.error.message).toMatch(/exists/)
      const revoked = await blog.req('DELETE', `/api/auth/tokens/${listed.id}`, { cookie, csrf })
      expect(revoked.status).toBe(200)
      expect(
        (await blog.req('GET', '/api/posts?draft=true', { token: created.json.token })).status,
      ).toBe(401)
      const again = await blog.req('DELETE', `/api/auth/tokens/${listed.id}`, { cookie, csrf })
      expect(again.status).toBe(404)
    })

    it('refuses editors, tokens, anonymous callers, bad bodies and a missing CSRF token', async () => {
      const editor = await blog.login('editor@example.com')
      const asEditor = await blog.req('POST', '/api/auth/tokens', {
        cookie: editor.cookie,
        csrf: editor.csrf,
        body: { name: 'x', scope: 'write' },
      })
      expect(asEditor.status).toBe(403)
      expect((await blog.req('GET', '/api/auth/tokens', { cookie: editor.cookie })).status).toBe(
        403,
      )
      expect((await blog.req('GET', '/api/auth/tokens', { token: blog.tokens.write })).status).toBe(
        403,
      )
      expect((await blog.req('GET', '/api/auth/tokens')).status).toBe(401)
      const admin = await blog.login('admin@example.com')
      const badScope = await blog.req('POST', '/api/auth/tokens', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { name: 'x', scope: 'admin' },
      })
      expect(badScope.status).toBe(400)
      expect(badScope.json.error.message).toMatch(/read:published/)
      const noCsrf = await blog.req('POST', '/api/auth/tokens', {
        cookie: admin.cookie,
        body: { name: 'x', scope: 'write' },
      })
      expect(noCsrf.status).toBe(403)
      // Revoking goes by id only, never by a name in the URL.
      const byName = await blog.req('DELETE', '/api/auth/tokens/ci', {
        cookie: admin.cookie,
        csrf: admin.csrf,
      })
      expect(byName.status).toBe(404)
      expect(
        (await blog.req('GET', '/api/posts?draft=true', { token: blog.tokens.write })).status,
      ).toBe(200)
    })

    it('names the people behind user ids: email only for admins and oneself', async () => {
      const users = await blog.galley.find({ collection: 'users', limit: 10 })
      const id = (email: string) => users.docs.find((u) => u.email === email)!.id
      await blog.galley.update({
        collection: 'users',
        id: id('viewer@example.com'),
        data: { name: '' },
      })
      const ids = [id('editor@example.com'), id('viewer@example.com'), 'token:abc', 'gone123']
      const q = `/api/schema/people?ids=${ids.join(',')}`
      const editor = await blog.login('editor@example.com')
      const asEditor = await blog.req('GET', q, { cookie: editor.cookie })
      expect(asEditor.status).toBe(200)
      expect(asEditor.json.people.map((p: { label: string }) => p.label)).toEqual([
        'editor',
        `User ${ids[1]!.slice(0, 6)}`,
        'API token',
        'Deleted user',
      ])
      const admin = await blog.login('admin@example.com')
      const asAdmin = await blog.req('GET', q, { cookie: admin.cookie })
      expect(asAdmin.json.people[1].label).toBe('viewer@example.com')
      expect((await blog.req('GET', q)).status).toBe(401)
      const tooMany = Array.from({ length: 101 }, (_, i) => `u${i}`).join(',')
      expect(
        (await blog.req('GET', `/api/schema/people?ids=${tooMany}`, { cookie: admin.cookie }))
          .status,
      ).toBe(400)
    })
  })
}
