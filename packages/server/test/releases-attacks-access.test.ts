import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Releases } from '@galley/core'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const later = (ms: number) => new Date(Date.now() + ms).toISOString()

for (const store of STORES) {
  describe.skipIf(store.skip)(`release routes: who may see and change what (${store.name})`, () => {
    let blog: Blog
    let rid: string
    let jobId: string
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
      const w = blog.tokens.write
      const { json } = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: `${SECRET} launch`, description: `${SECRET} plan` },
      })
      rid = json.id
      await blog.req('PATCH', `/api/posts/pub?release=${rid}`, {
        token: w,
        body: { title: `${SECRET} release title` },
      })
      const job = await blog.req('POST', '/api/posts/pub2/schedule', {
        token: w,
        body: { action: 'unpublish', at: later(3_600_000) },
      })
      jobId = job.json.id
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('shows no release, schedule or release content to anonymous or published-only callers', async () => {
      const reads = [
        '/api/releases',
        `/api/releases/${rid}`,
        '/api/schedules',
        '/api/schedules/health',
        '/api/posts/pub/schedule',
        `/api/posts/pub?perspective=${rid}`,
        `/api/posts?perspective=${rid},drafts`,
        `/api/posts/pub/revisions`,
      ]
      for (const token of [undefined, blog.tokens.published])
        for (const path of reads) {
          const res = await blog.req('GET', path, { token })
          expect(
            res.status,
            `${path} ${token ? 'published token' : 'anonymous'}`,
          ).toBeGreaterThanOrEqual(401)
          expect(res.text).not.toContain(SECRET)
          expect(res.text).not.toContain(rid)
        }
      const gql = await blog.req('POST', '/api/graphql', {
        token: blog.tokens.published,
        body: { query: `{ Posts(perspective: "${rid}") { docs { title } } }` },
      })
      expect(gql.text).not.toContain(SECRET)
    })

    it('refuses every release and schedule write from read tokens, viewers and anonymous callers', async () => {
      const viewer = await blog.login('viewer@example.com')
      const writes: Array<[string, string, unknown]> = [
        ['POST', '/api/releases', { title: 'x' }],
        ['PATCH', `/api/releases/${rid}`, { title: 'x' }],
        ['DELETE', `/api/releases/${rid}`, undefined],
        ['POST', `/api/releases/${rid}/publish`, undefined],
        ['POST', `/api/releases/${rid}/schedule`, { publishAt: later(60_000) }],
        ['POST', `/api/releases/${rid}/unschedule`, undefined],
        ['POST', `/api/releases/${rid}/archive`, undefined],
        ['POST', `/api/releases/${rid}/revert`, undefined],
        [
          'POST',
          `/api/releases/${rid}/documents`,
          { collection: 'posts', id: 'pub2', action: 'unpublish' },
        ],
        ['DELETE', `/api/releases/${rid}/documents/posts/pub`, undefined],
        ['PATCH', `/api/posts/pub2?release=${rid}`, { title: 'x' }],
        ['POST', `/api/posts?release=${rid}`, { title: 'x' }],
        ['POST', '/api/posts/pub/schedule', { action: 'publish', at: later(60_000) }],
        ['DELETE', `/api/schedules/${jobId}`, undefined],
        ['DELETE', `/api/posts/pub2/schedule/${jobId}`, undefined],
      ]
      const before = JSON.stringify(await new Releases(blog.galley).get({ id: rid }))
      const jobsBefore = JSON.stringify(await new Releases(blog.galley).listSchedules())
      const callers: Array<[string, Record<string, string>]> = [
        ['anonymous', {}],
        ['published token', { token: blog.tokens.published }],
        ['drafts token', { token: blog.tokens.drafts }],
        ['viewer session', { cookie: viewer.cookie, csrf: viewer.csrf }],
      ]
      for (const [who, auth] of callers)
        for (const [method, path, body] of writes) {
          const res = await blog.req(method, path, { ...auth, ...(body ? { body } : {}) })
          expect(
            [401, 403],
            `${who} ${method} ${path} → ${res.status} ${res.text.slice(0, 100)}`,
          ).toContain(res.status)
        }
      // An editor's session cookie without its CSRF token writes nothing either.
      const editor = await blog.login('editor@example.com')
      for (const [method, path, body] of writes) {
        const res = await blog.req(method, path, {
          cookie: editor.cookie,
          ...(body ? { body } : {}),
        })
        expect(res.status, `CSRF ${method} ${path}`).toBe(403)
      }
      expect(JSON.stringify(await new Releases(blog.galley).get({ id: rid }))).toBe(before)
      expect(JSON.stringify(await new Releases(blog.galley).listSchedules())).toBe(jobsBefore)
    })

    it("never names another user's email to a non-admin (releases, schedules, people)", async () => {
      const viewer = await blog.login('viewer@example.com')
      const editorId = (await blog.login('editor@example.com')).res.json.user.id
      for (const path of [
        '/api/releases',
        `/api/releases/${rid}`,
        '/api/schedules',
        `/api/schema/people?ids=${editorId}`,
      ]) {
        const res = await blog.req('GET', path, { cookie: viewer.cookie })
        expect(res.status, path).toBe(200)
        expect(res.text, path).not.toContain('editor@example.com')
        expect(res.text, path).not.toContain('admin@example.com')
      }
      const tokens = await blog.req('GET', '/api/auth/tokens', { cookie: viewer.cookie })
      expect(tokens.status).toBe(403)
      const byToken = await blog.req('GET', '/api/auth/tokens', { token: blog.tokens.write })
      expect(byToken.status).toBe(403)
    })
  })
}
