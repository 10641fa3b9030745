import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`POST /api/users (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    const users = async () => (await blog.store.countUsers()) as number

    it('checks access before it looks at the body', async () => {
      const viewer = await blog.login('viewer@example.com')
      const count = await users()
      const bodies: Array<{ body?: unknown; raw?: string; headers?: Record<string, string> }> = [
        { body: { email: 'x@example.com', password: 'short' } },
        { body: {} },
        { body: [1] },
        { raw: '{"email":', headers: { 'content-type': 'application/json' } },
        { raw: 'email=x', headers: { 'content-type': 'text/plain' } },
        {
          raw: '{}',
          headers: { 'content-type': 'application/json', 'content-length': '99999999' },
        },
      ]
      for (const b of bodies) {
        const what = JSON.stringify(b)
        const anonymous = await blog.req('POST', '/api/users', b)
        expect(anonymous.status, `anonymous ${what}`).toBe(401)
        expect(anonymous.json.error.code).toBe('UNAUTHORIZED')
        const asViewer = await blog.req('POST', '/api/users', {
          ...b,
          cookie: viewer.cookie,
          csrf: viewer.csrf,
        })
        expect(asViewer.status, `viewer ${what}`).toBe(403)
        const readToken = await blog.req('POST', '/api/users', { ...b, token: blog.tokens.drafts })
        expect(readToken.status, `read token ${what}`).toBe(403)
      }
      expect(await users()).toBe(count)
      // An admin gets the body's own errors.
      const admin = await blog.login('admin@example.com')
      const weak = await blog.req('POST', '/api/users', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { email: 'x@example.com', password: 'short' },
      })
      expect(weak.status).toBe(400)
      expect(weak.json.error.message).toMatch(/at least 8/)
    })

    it('says which password rule failed, and creates nothing', async () => {
      const admin = await blog.login('admin@example.com')
      const count = await users()
      const cases: Array<[unknown, RegExp]> = [
        [' '.repeat(8), /only whitespace/],
        ['\u3000'.repeat(10), /only whitespace/],
        ['Password1', /commonly used/],
        ['\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44', /commonly used/],
        ['abcdefe\u0301', /at least 8 .*7/],
        ['x'.repeat(1025), /at most 1024/],
        [12345678, /string/],
      ]
      for (const [password, message] of cases) {
        const res = await blog.req('POST', '/api/users', {
          cookie: admin.cookie,
          csrf: admin.csrf,
          body: { email: 'pw@example.com', password },
        })
        expect(res.status, JSON.stringify(password)).toBe(400)
        expect(res.json.error.message).toMatch(message)
      }
      expect(await users()).toBe(count)
      // The same rules hold for a password change.
      const user = await blog.store.createUser({
        email: `change-${store.name}@example.com`,
        password: 'first password 1',
      })
      const changed = await blog.req('PATCH', `/api/users/${user.id}`, {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { password: 'iloveyou' },
      })
      expect(changed.status).toBe(400)
      expect(changed.json.error.message).toMatch(/commonly used/)
      expect(await blog.store.verifyLogin(user.email, 'first password 1')).not.toBeNull()
    })
  })
}
