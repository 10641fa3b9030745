import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { AuthStore } from '../src/index'
import { PASSWORD, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

function cookieAttrs(setCookie: string[], name: string): string | undefined {
  return setCookie.find((c) => c.startsWith(`${name}=`))
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`sessions, CSRF and roles (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, {
        allowOrigins: ['https://studio.example.com'],
        loginRateLimit: { maxAttempts: 3 },
      })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('login sets an HttpOnly SameSite=Lax session cookie and returns the user and a CSRF token', async () => {
      const { res } = await blog.login('Editor@Example.com')
      expect(res.status).toBe(200)
      expect(res.json.user).toMatchObject({ email: 'editor@example.com', role: 'editor' })
      expect(res.json.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(res.text).not.toMatch(/scrypt|passwordHash/)
      const set = res.headers.getSetCookie()
      const session = cookieAttrs(set, 'galley_session')!
      expect(session).toMatch(/HttpOnly/)
      expect(session).toMatch(/SameSite=Lax/)
      expect(session).toMatch(/Path=\//)
      expect(session).not.toMatch(/Secure/) // plain http
      const csrf = cookieAttrs(set, 'galley_csrf')!
      expect(csrf).not.toMatch(/HttpOnly/)
      expect(res.headers.get('cache-control')).toBe('private, no-store')
    })

    it('on https the cookies are Secure and the session cookie is __Host- prefixed', async () => {
      const res = await blog.req('POST', 'https://cms.example.com/api/auth/login', {
        body: { email: 'viewer@example.com', password: PASSWORD },
      })
      expect(res.status).toBe(200)
      const session = cookieAttrs(res.headers.getSetCookie(), '__Host-galley_session')!
      expect(session).toMatch(/; Secure/)
      expect(session).toMatch(/HttpOnly/)
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      expect(
        (await blog.req('GET', 'https://cms.example.com/api/auth/me', { cookie })).json.user.email,
      ).toBe('viewer@example.com')
      // The unprefixed name is not accepted on https (a sibling subdomain could set it).
      const plain = cookie.replace('__Host-galley_session', 'galley_session')
      expect(
        (await blog.req('GET', 'https://cms.example.com/api/auth/me', { cookie: plain })).status,
      ).toBe(401)
    })

    it('wrong password or unknown email: 401 with the same message', async () => {
      const a = await blog.login('viewer@example.com', {
        password: 'wrong password',
        headers: { 'x-forwarded-for': '1' },
      })
      const b = await blog.login('nobody@example.com', { headers: { 'x-forwarded-for': '1' } })
      expect(a.res.status).toBe(401)
      expect(b.res.status).toBe(401)
      expect(a.res.json.error.message).toBe(b.res.json.error.message)
      expect(a.res.headers.getSetCookie()).toEqual([])
    })

    it('malformed login bodies are 400 / 415', async () => {
      expect((await blog.req('POST', '/api/auth/login', { body: { email: 'x' } })).status).toBe(400)
      expect(
        (
          await blog.req('POST', '/api/auth/login', {
            body: { email: 'x', password: 'y', extra: 1 },
          })
        ).status,
      ).toBe(400)
      expect(
        (
          await blog.req('POST', '/api/auth/login', {
            raw: 'email=x&password=y',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).status,
      ).toBe(415)
    })

    it('GET /api/auth/me: the session user, or 401', async () => {
      const { cookie, csrf } = await blog.login('admin@example.com')
      const me = await blog.req('GET', '/api/auth/me', { cookie })
      expect(me.json).toMatchObject({
        user: { email: 'admin@example.com', role: 'admin' },
        csrfToken: csrf,
      })
      expect((await blog.req('GET', '/api/auth/me')).status).toBe(401)
      expect(
        (await blog.req('GET', '/api/auth/me', { cookie: 'galley_session=forged-value' })).status,
      ).toBe(401)
    })

    it('cookie-authenticated writes need the CSRF token; a wrong or missing one is 403 and changes nothing', async () => {
      const { cookie, csrf } = await blog.login('editor@example.com')
      const missing = await blog.req('POST', '/api/posts', { cookie, body: { title: 'csrf' } })
      expect(missing.status).toBe(403)
      expect(missing.json.error.message).toMatch(/X-CSRF-Token/)
      const wrong = await blog.req('POST', '/api/posts', {
        cookie,
        csrf: 'x'.repeat(43),
        body: { title: 'csrf' },
      })
      expect(wrong.status).toBe(403)
      const other = await blog.login('viewer@example.com')
      expect(
        (
          await blog.req('POST', '/api/posts', {
            cookie,
            csrf: other.csrf,
            body: { title: 'csrf' },
          })
        ).status,
      ).toBe(403)
      for (const [m, p] of [
        ['PATCH', '/api/posts/pub'],
        ['DELETE', '/api/posts/pub'],
        ['POST', '/api/posts/changed/publish'],
        ['POST', '/api/graphql'],
      ] as const) {
        expect(
          (await blog.req(m, p, { cookie, body: { title: 'x', query: '{ posts { totalDocs } }' } }))
            .status,
          `${m} ${p}`,
        ).toBe(403)
      }
      expect(
        (await blog.req('GET', '/api/posts?where[title][equals]=csrf&draft=true', { cookie })).json
          .totalDocs,
      ).toBe(0)
      const ok = await blog.req('POST', '/api/posts', { cookie, csrf, body: { title: 'csrf ok' } })
      expect(ok.status).toBe(201)
    })

    it('cookie-authenticated writes from a foreign Origin are refused even with the token; listed origins pass', async () => {
      const { cookie, csrf } = await blog.login('editor@example.com')
      const evil = await blog.req('POST', '/api/posts', {
        cookie,
        csrf,
        body: { title: 'evil' },
        headers: { origin: 'https://evil.example' },
      })
      expect(evil.status).toBe(403)
      expect(evil.json.error.message).toMatch(/origin/)
      const studio = await blog.req('POST', '/api/posts', {
        cookie,
        csrf,
        body: { title: 'studio' },
        headers: { origin: 'https://studio.example.com' },
      })
      expect(studio.status).toBe(201)
      const same = await blog.req('POST', '/api/posts', {
        cookie,
        csrf,
        body: { title: 'same' },
        headers: { origin: 'http://localhost' },
      })
      expect(same.status).toBe(201)
      expect(
        (
          await blog.req('POST', '/api/auth/login', {
            body: { email: 'editor@example.com', password: PASSWORD },
            headers: { origin: 'https://evil.example' },
          })
        ).status,
      ).toBe(403)
    })

    it('bearer tokens need no CSRF token', async () => {
      expect(
        (
          await blog.req('POST', '/api/posts', {
            token: blog.tokens.write,
            body: { title: 'bearer' },
          })
        ).status,
      ).toBe(201)
    })

    it('logout ends the session and clears the cookies', async () => {
      const { cookie, csrf } = await blog.login('viewer@example.com')
      expect((await blog.req('POST', '/api/auth/logout', { cookie })).status).toBe(403) // CSRF applies
      const out = await blog.req('POST', '/api/auth/logout', { cookie, csrf })
      expect(out.status).toBe(200)
      expect(out.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true)
      expect((await blog.req('GET', '/api/auth/me', { cookie })).status).toBe(401)
      expect((await blog.req('GET', '/api/posts?draft=true', { cookie })).status).toBe(401)
    })

    it('login is rate-limited per address and email: 429 with Retry-After, even for the right password', async () => {
      const headers = { 'x-forwarded-for': '203.0.113.9' }
      const limited = await setupBlog(store, {
        trustProxy: true,
        loginRateLimit: { maxAttempts: 3 },
      })
      try {
        for (let i = 0; i < 3; i++)
          expect(
            (await limited.login('viewer@example.com', { password: 'nope nope', headers })).res
              .status,
          ).toBe(401)
        const blocked = await limited.login('viewer@example.com', { headers })
        expect(blocked.res.status).toBe(429)
        expect(blocked.res.json.error.code).toBe('RATE_LIMITED')
        expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0)
        // Another address, or another email from this address, is not blocked.
        expect(
          (
            await limited.login('viewer@example.com', {
              headers: { 'x-forwarded-for': '203.0.113.10' },
            })
          ).res.status,
        ).toBe(200)
        expect((await limited.login('editor@example.com', { headers })).res.status).toBe(200)
      } finally {
        await limited.close()
      }
    })

    it('attack: a client-written X-Forwarded-For prefix does not dodge the login limit (the proxy appends the real address)', async () => {
      const limited = await setupBlog(store, {
        trustProxy: true,
        loginRateLimit: { maxAttempts: 3 },
      })
      try {
        const statuses: number[] = []
        for (let i = 0; i < 40; i++) {
          // The attacker rotates the left end; the proxy appends what it saw on the right.
          const headers = { 'x-forwarded-for': `10.0.${i}.1, 198.51.100.7` }
          statuses.push(
            (await limited.login('viewer@example.com', { password: 'nope nope', headers })).res
              .status,
          )
        }
        expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
        expect(statuses.slice(3).every((s) => s === 429)).toBe(true)
      } finally {
        await limited.close()
      }
    })

    it('trustedProxyHops picks the entry the outermost of several proxies appended', async () => {
      const limited = await setupBlog(store, {
        trustProxy: true,
        trustedProxyHops: 2,
        loginRateLimit: { maxAttempts: 2 },
      })
      try {
        const login = (xff: string) =>
          limited.login('viewer@example.com', {
            password: 'nope nope',
            headers: { 'x-forwarded-for': xff },
          })
        expect((await login('1.1.1.1, 198.51.100.8, 10.0.0.2')).res.status).toBe(401)
        expect((await login('2.2.2.2, 198.51.100.8, 10.0.0.3')).res.status).toBe(401)
        expect((await login('3.3.3.3, 198.51.100.8, 10.0.0.2')).res.status).toBe(429)
        // A different real client (second from the right) is not blocked.
        expect((await login('3.3.3.3, 198.51.100.9, 10.0.0.2')).res.status).toBe(401)
      } finally {
        await limited.close()
      }
    })

    it('attack: rotating real addresses cannot guess one account without limit (per-email limit)', async () => {
      const limited = await setupBlog(store, {
        trustProxy: true,
        loginRateLimit: { maxAttempts: 3, maxAttemptsPerEmail: 6 },
      })
      try {
        const statuses: number[] = []
        for (let i = 0; i < 10; i++) {
          const headers = { 'x-forwarded-for': `203.0.113.${i + 20}` }
          statuses.push(
            (await limited.login('viewer@example.com', { password: 'nope nope', headers })).res
              .status,
          )
        }
        expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true)
        expect(statuses.slice(6).every((s) => s === 429)).toBe(true)
        // Other accounts are unaffected.
        const other = await limited.login('editor@example.com', {
          headers: { 'x-forwarded-for': '203.0.113.99' },
        })
        expect(other.res.status).toBe(200)
      } finally {
        await limited.close()
      }
    })

    it('roles: a viewer reads drafts but cannot write; an editor writes; only an admin manages users', async () => {
      const viewer = await blog.login('viewer@example.com')
      expect(
        (await blog.req('GET', '/api/posts/draft?draft=true', { cookie: viewer.cookie })).status,
      ).toBe(200)
      expect(
        (
          await blog.req('POST', '/api/posts', {
            cookie: viewer.cookie,
            csrf: viewer.csrf,
            body: { title: 'v' },
          })
        ).status,
      ).toBe(403)
      const editor = await blog.login('editor@example.com')
      expect(
        (
          await blog.req('POST', '/api/posts/draft/publish', {
            cookie: editor.cookie,
            csrf: editor.csrf,
          })
        ).status,
      ).toBe(200)
      expect(
        (
          await blog.req('POST', '/api/users', {
            cookie: editor.cookie,
            csrf: editor.csrf,
            body: { email: 'x@example.com', password: PASSWORD, role: 'admin' },
          })
        ).status,
      ).toBe(403)
      const users = await blog.req('GET', '/api/users', { cookie: editor.cookie })
      expect(users.json.docs.map((u: any) => u.email)).toEqual(['editor@example.com']) // only themself
      expect((await blog.req('GET', '/api/users')).json.docs).toEqual([])
    })

    it('admins create users over REST with a password (never stored or returned in clear)', async () => {
      const admin = await blog.login('admin@example.com')
      const created = await blog.req('POST', '/api/users', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { email: 'New@Example.com', password: 'new password 1', role: 'editor', name: 'New' },
      })
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({ email: 'new@example.com', role: 'editor' })
      expect(created.text).not.toContain('new password 1')
      expect(
        JSON.stringify(await blog.galley.find({ collection: 'galley-credentials', limit: 100 })),
      ).not.toContain('new password 1')
      expect((await blog.login('new@example.com', { password: 'new password 1' })).res.status).toBe(
        200,
      )
      const noPw = await blog.req('POST', '/api/users', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { email: 'nopw@example.com' },
      })
      expect(noPw.status).toBe(400)
      const weak = await blog.req('POST', '/api/users', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { email: 'weak@example.com', password: 'short' },
      })
      expect(weak.status).toBe(400)
      const changed = await blog.req('PATCH', `/api/users/${created.json.id}`, {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { password: 'changed password 2' },
      })
      expect(changed.status).toBe(200)
      expect((await blog.login('new@example.com', { password: 'new password 1' })).res.status).toBe(
        401,
      )
      expect(
        (await blog.login('new@example.com', { password: 'changed password 2' })).res.status,
      ).toBe(200)
      expect(
        (
          await blog.req('DELETE', `/api/users/${created.json.id}`, {
            cookie: admin.cookie,
            csrf: admin.csrf,
          })
        ).status,
      ).toBe(200)
      expect(
        (await blog.login('new@example.com', { password: 'changed password 2' })).res.status,
      ).toBe(401)
    })

    it('attack: PATCH /api/users/:id with a bad password changes nothing (not even the role)', async () => {
      const admin = await blog.login('admin@example.com')
      const target = await blog.store.createUser({
        email: `pw-${store.name}@example.com`,
        password: 'first password 1',
        role: 'viewer',
        name: 'Before',
      })
      for (const password of ['short', 12345678, null]) {
        const res = await blog.req('PATCH', `/api/users/${target.id}`, {
          cookie: admin.cookie,
          csrf: admin.csrf,
          body: { role: 'admin', name: 'After', password },
        })
        expect(res.status, String(password)).toBe(400)
        const now = await blog.store.getUser(target.id)
        expect(now).toMatchObject({ role: 'viewer', name: 'Before' })
      }
      expect((await blog.login(target.email, { password: 'first password 1' })).res.status).toBe(
        200,
      )
    })

    it('a password change that fails midway rolls back the other fields with it', async () => {
      const admin = await blog.login('admin@example.com')
      const target = await blog.store.createUser({
        email: `tx-${store.name}@example.com`,
        password: 'first password 1',
        role: 'viewer',
      })
      // The credential is written, then ending the sessions fails: nothing may be kept.
      const spy = vi
        .spyOn(AuthStore.prototype, 'deleteSessionsOf')
        .mockRejectedValueOnce(new Error('storage went away'))
      try {
        const res = await blog.req('PATCH', `/api/users/${target.id}`, {
          cookie: admin.cookie,
          csrf: admin.csrf,
          body: { role: 'editor', password: 'second password 2' },
        })
        expect(res.status).toBe(500)
      } finally {
        spy.mockRestore()
      }
      expect(await blog.store.getUser(target.id)).toMatchObject({ role: 'viewer' })
      expect((await blog.login(target.email, { password: 'first password 1' })).res.status).toBe(
        200,
      )
    })

    it("a role change applies to the user's existing session at once", async () => {
      const s = await blog.login('viewer@example.com')
      const viewer = await blog.store.findUserByEmail('viewer@example.com')
      await blog.galley.update({ collection: 'users', id: viewer!.id, data: { role: 'editor' } })
      expect(
        (
          await blog.req('POST', '/api/posts', {
            cookie: s.cookie,
            csrf: s.csrf,
            body: { title: 'promoted' },
          })
        ).status,
      ).toBe(201)
      await blog.galley.update({ collection: 'users', id: viewer!.id, data: { role: 'viewer' } })
    })

    it("the server's own collections are not reachable over HTTP", async () => {
      const admin = await blog.login('admin@example.com')
      for (const slug of ['galley-sessions', 'galley-tokens', 'galley-credentials']) {
        expect((await blog.req('GET', `/api/${slug}`, { cookie: admin.cookie })).status).toBe(404)
        expect(
          (
            await blog.req('POST', `/api/${slug}`, {
              cookie: admin.cookie,
              csrf: admin.csrf,
              body: {},
            })
          ).status,
        ).toBe(404)
      }
      const gql = await blog.req('POST', '/api/graphql', {
        cookie: admin.cookie,
        csrf: admin.csrf,
        body: { query: '{ __schema { queryType { fields { name } } } }' },
      })
      expect(JSON.stringify(gql.json)).not.toMatch(/galley|credential|session/i)
    })
  })
}
