import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'
import { ENABLE_URL, shiftClock, storedSecrets } from './helpers/preview'

for (const store of STORES) {
  describe.skipIf(store.skip)(`/api/preview/shares (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { preview: { url: ENABLE_URL } })
    })
    afterAll(async () => {
      await blog?.close()
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    const share = (body: unknown, token = blog.tokens.write) =>
      blog.req('POST', '/api/preview/shares', { token, body })
    const validate = (secret: string) =>
      blog.req('POST', '/api/preview/validate', { token: blog.tokens.drafts, body: { secret } })
    // Shares made with the write token: its own list shows them.
    const list = async () =>
      (await blog.req('GET', '/api/preview/shares', { token: blog.tokens.write })).json
        .shares as any[]

    it('need a user or token that may read drafts, for every route', async () => {
      expect((await blog.req('POST', '/api/preview/shares', { body: { name: 'x' } })).status).toBe(
        401,
      )
      expect((await blog.req('GET', '/api/preview/shares')).status).toBe(401)
      expect((await blog.req('DELETE', '/api/preview/shares/abc')).status).toBe(401)
      const t = blog.tokens.published
      expect((await share({ name: 'x' }, t)).status).toBe(403)
      expect((await blog.req('GET', '/api/preview/shares', { token: t })).status).toBe(403)
      expect((await blog.req('DELETE', '/api/preview/shares/abc', { token: t })).status).toBe(403)
    })

    it('are named, show the secret once, and list without the secret or its hash', async () => {
      const res = await share({
        name: '  Legal review ',
        perspective: 'drafts',
        pathname: '/blog/x',
      })
      expect(res.status).toBe(201)
      const { secret, previewUrl, ...record } = res.json
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(new URL(previewUrl).searchParams.get('galley-preview-secret')).toBe(secret)
      expect(record).toEqual({
        id: expect.any(String),
        name: 'Legal review',
        perspective: 'drafts',
        createdBy: 'token:ci',
        createdAt: expect.any(String),
        expiresAt: null,
        lastUsedAt: null,
      })
      const listed = await blog.req('GET', '/api/preview/shares', { token: blog.tokens.write })
      expect(listed.headers.get('cache-control')).toMatch(/no-store/)
      expect(listed.json.shares).toContainEqual(record)
      const hash = createHash('sha256').update(secret).digest('hex')
      expect(listed.text).not.toContain(secret)
      expect(listed.text).not.toContain(hash)
      expect(listed.text).not.toMatch(/"hash"/)
      expect(JSON.stringify(await storedSecrets(blog))).not.toContain(secret)
    })

    it('validate with a cookie lifetime capped at an hour, and record their last use', async () => {
      const res = await share({ name: 'Stakeholders' })
      const now = Date.now()
      const answer = await validate(res.json.secret)
      expect(answer.json).toMatchObject({ isValid: true, perspective: 'drafts' })
      const cookieEnd = Date.parse(answer.json.expiresAt)
      expect(cookieEnd - now).toBeGreaterThan(3590_000)
      expect(cookieEnd - now).toBeLessThanOrEqual(3600_000 + 5000)
      const listed = (await list()).find((s) => s.id === res.json.id)
      expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(now - 1000)
      // Several uses: a shared link is not single-use.
      expect((await validate(res.json.secret)).json.isValid).toBe(true)
    })

    it('end with their expiresAt, and the cookie never outlives the link', async () => {
      const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString()
      const res = await share({ name: 'Ten minutes', perspective: ['spring', 'drafts'], expiresAt })
      expect(res.json).toMatchObject({ expiresAt, perspective: 'spring,drafts' })
      const answer = await validate(res.json.secret)
      expect(answer.json).toEqual({
        isValid: true,
        perspective: 'spring,drafts',
        expiresAt,
        grant: res.json.id,
      })
      shiftClock(10 * 60_000 + 1000)
      expect((await validate(res.json.secret)).json.isValid).toBe(false)
      expect((await list()).some((s) => s.id === res.json.id)).toBe(false)
      expect((await storedSecrets(blog)).some((d) => d.id === res.json.id)).toBe(false)
    })

    it('refuse a missing name, a past or far expiry, and unknown fields', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{}, /name/],
        [{ name: '' }, /name of 1–100/],
        [{ name: 'x'.repeat(101) }, /name of 1–100/],
        [{ name: 'a\u0007b' }, /name of 1–100/],
        [{ name: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() }, /in the future/],
        [
          { name: 'x', expiresAt: new Date(Date.now() + 400 * 86400_000).toISOString() },
          /365 days/,
        ],
        [{ name: 'x', expiresAt: 'tomorrow' }, /ISO 8601/],
        [{ name: 'x', perspective: 'raw' }, /raw/],
        [{ name: 'x', secret: 'chosen' }, /name/],
      ]
      for (const [body, message] of cases) {
        const res = await share(body)
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.json.error.message).toMatch(message)
      }
    })

    it('revoked, stop validating at once and leave the list', async () => {
      const res = await share({ name: 'Revoke me' })
      expect((await validate(res.json.secret)).json.isValid).toBe(true)
      const del = await blog.req('DELETE', `/api/preview/shares/${res.json.id}`, {
        token: blog.tokens.write,
      })
      expect(del.status).toBe(200)
      expect(del.json).toMatchObject({
        revoked: true,
        share: { id: res.json.id, name: 'Revoke me' },
      })
      expect(del.text).not.toContain(res.json.secret)
      expect((await validate(res.json.secret)).json).toEqual({
        isValid: false,
        perspective: null,
        expiresAt: null,
        grant: null,
      })
      expect((await list()).some((s) => s.id === res.json.id)).toBe(false)
      const again = await blog.req('DELETE', `/api/preview/shares/${res.json.id}`, {
        token: blog.tokens.write,
      })
      expect(again.status).toBe(404)
    })

    it('validations racing a revocation all answer, and none succeeds after it', async () => {
      const res = await share({ name: 'Race' })
      const validations = Array.from({ length: 8 }, () => validate(res.json.secret))
      const del = await blog.req('DELETE', `/api/preview/shares/${res.json.id}`, {
        token: blog.tokens.write,
      })
      expect(del.status).toBe(200)
      for (const r of await Promise.all(validations)) expect(r.status).toBe(200)
      const after = await Promise.all(Array.from({ length: 4 }, () => validate(res.json.secret)))
      expect(after.map((r) => r.json.isValid)).toEqual([false, false, false, false])
    })

    it('may be revoked by their creator or an editor, not by another viewer', async () => {
      const viewer = await blog.login('viewer@example.com')
      const own = await blog.req('POST', '/api/preview/shares', {
        cookie: viewer.cookie,
        csrf: viewer.csrf,
        body: { name: 'Viewer link' },
      })
      expect(own.json.createdBy).toBe('viewer@example.com')
      const byEditor = await share({ name: 'Editor link' })
      const denied = await blog.req('DELETE', `/api/preview/shares/${byEditor.json.id}`, {
        cookie: viewer.cookie,
        csrf: viewer.csrf,
      })
      expect(denied.status).toBe(403)
      expect((await validate(byEditor.json.secret)).json.isValid).toBe(true)
      const mine = await blog.req('DELETE', `/api/preview/shares/${own.json.id}`, {
        cookie: viewer.cookie,
        csrf: viewer.csrf,
      })
      expect(mine.status).toBe(200)
      const editor = await blog.login('editor@example.com')
      const any = await blog.req('DELETE', `/api/preview/shares/${byEditor.json.id}`, {
        cookie: editor.cookie,
        csrf: editor.csrf,
      })
      expect(any.status).toBe(200)
    })

    it("list every link for admins, and for anyone else only their own, with no other user's email", async () => {
      const viewer = await blog.login('viewer@example.com')
      const editor = await blog.login('editor@example.com')
      const admin = await blog.login('admin@example.com')
      const make = (who: { cookie: string; csrf: string }, name: string) =>
        blog.req('POST', '/api/preview/shares', {
          cookie: who.cookie,
          csrf: who.csrf,
          body: { name },
        })
      const viewerLink = (await make(viewer, 'Viewer only')).json
      const editorLink = (await make(editor, 'Editor only')).json
      const tokenLink = (await share({ name: 'Token only' }, blog.tokens.drafts)).json
      const listAs = async (who: { cookie?: string; token?: string }) => {
        const res = await blog.req('GET', '/api/preview/shares', who)
        expect(res.status).toBe(200)
        return res
      }
      const ids = (res: { json: { shares: Array<{ id: string }> } }) =>
        res.json.shares.map((s) => s.id)

      const asViewer = await listAs({ cookie: viewer.cookie })
      expect(ids(asViewer)).toContain(viewerLink.id)
      expect(ids(asViewer)).not.toContain(editorLink.id)
      expect(ids(asViewer)).not.toContain(tokenLink.id)
      expect(asViewer.text).not.toContain('editor@example.com')
      expect(asViewer.text).not.toContain('admin@example.com')

      const asEditor = await listAs({ cookie: editor.cookie })
      expect(ids(asEditor)).toEqual([editorLink.id])
      expect(asEditor.text).not.toContain('viewer@example.com')

      const asToken = await listAs({ token: blog.tokens.drafts })
      expect(ids(asToken)).toEqual([tokenLink.id])
      expect(asToken.text).not.toMatch(/@example\.com/)

      const asAdmin = await listAs({ cookie: admin.cookie })
      for (const id of [viewerLink.id, editorLink.id, tokenLink.id])
        expect(ids(asAdmin)).toContain(id)
      expect(asAdmin.text).toContain('viewer@example.com')

      // An editor may revoke a viewer's link; the answer does not name the viewer.
      const revoked = await blog.req('DELETE', `/api/preview/shares/${viewerLink.id}`, {
        cookie: editor.cookie,
        csrf: editor.csrf,
      })
      expect(revoked.status).toBe(200)
      expect(revoked.json.share).toMatchObject({ id: viewerLink.id, createdBy: null })
      expect(revoked.text).not.toContain('viewer@example.com')
      // Its creator, revoking their own, is named.
      const own = await blog.req('DELETE', `/api/preview/shares/${editorLink.id}`, {
        cookie: editor.cookie,
        csrf: editor.csrf,
      })
      expect(own.json.share.createdBy).toBe('editor@example.com')
    })

    it('ids of plain secrets or unknown ids are 404, and no answer repeats the id', async () => {
      const secret = await blog.req('POST', '/api/preview/secrets', {
        token: blog.tokens.drafts,
        body: {},
      })
      const hash = createHash('sha256').update(secret.json.secret).digest('hex')
      const doc = (await storedSecrets(blog)).find((d) => d.hash === hash)!
      for (const id of [doc.id, 'nope', secret.json.secret, '..%2F..']) {
        const res = await blog.req('DELETE', `/api/preview/shares/${id}`, {
          token: blog.tokens.write,
        })
        expect(res.status).toBe(404)
        expect(res.text).not.toContain(secret.json.secret)
      }
      expect((await validate(secret.json.secret)).json.isValid).toBe(true)
    })
  })
}
