import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const later = (ms: number) => new Date(Date.now() + ms).toISOString()

for (const store of STORES) {
  describe.skipIf(store.skip)(`releases over REST (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: { pollMs: 100 } })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('keeps releases from callers who may not read drafts, and writes from read tokens', async () => {
      expect((await blog.req('GET', '/api/releases')).status).toBe(401)
      const pub = await blog.req('GET', '/api/releases', { token: blog.tokens.published })
      expect(pub.status).toBe(403)
      expect(pub.json.error.message).toMatch(/readDrafts/)
      const drafts = await blog.req('GET', '/api/releases', { token: blog.tokens.drafts })
      expect(drafts.status).toBe(200)
      const made = await blog.req('POST', '/api/releases', {
        token: blog.tokens.drafts,
        body: { title: 'x' },
      })
      expect(made.status).toBe(403)
      expect((await blog.req('POST', '/api/releases', { body: { title: 'x' } })).status).toBe(401)
    })

    it('creates, fills, shows changes and validation, publishes atomically, and purges', async () => {
      const w = blog.tokens.write
      const created = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: 'Launch', description: 'Spring', type: 'asap' },
      })
      expect(created.status).toBe(201)
      const id: string = created.json.id
      expect(created.json).toMatchObject({ title: 'Launch', state: 'active', type: 'asap' })
      // An anonymous read fills the response cache; the release must purge it.
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')
      const patched = await blog.req('PATCH', `/api/posts/pub?release=${id}`, {
        token: w,
        body: { title: 'Launched Post' },
      })
      expect(patched.status).toBe(200)
      expect(patched.json._variant).toBe(`release:${id}`)
      const bad = await blog.req('PATCH', `/api/posts/pub2?release=${id}`, {
        token: w,
        body: { title: '' },
      })
      expect(bad.status).toBe(200) // release content is saved like a draft
      const missing = await blog.req('PATCH', '/api/posts/pub?release=rnone', {
        token: w,
        body: { title: 'x' },
      })
      expect(missing.status).toBe(404)
      const shown = await blog.req('GET', `/api/releases/${id}`, { token: blog.tokens.drafts })
      expect(shown.status).toBe(200)
      const docs = shown.json.documents as Array<Record<string, any>>
      expect(docs.find((d) => d.id === 'pub')).toMatchObject({
        collection: 'posts',
        action: 'publish',
        valid: true,
        changes: [{ field: 'title', published: 'Published Post', release: 'Launched Post' }],
      })
      expect(docs.find((d) => d.id === 'pub2')).toMatchObject({
        valid: false,
        errors: [{ path: 'title' }],
      })
      // The release perspective shows the release; published readers never see it.
      const preview = await blog.req('GET', `/api/posts/pub?perspective=${id}`, {
        token: blog.tokens.drafts,
      })
      expect(preview.json.title).toBe('Launched Post')
      expect((await blog.req('GET', `/api/posts/pub?perspective=${id}`)).status).toBe(401)

      const refused = await blog.req('POST', `/api/releases/${id}/publish`, { token: w })
      expect(refused.status).toBe(422)
      expect(refused.json.error.code).toBe('VALIDATION_FAILED')
      expect(refused.json.error.fields).toEqual([
        { path: 'posts/pub2.title', message: expect.any(String) },
      ])
      expect(refused.json.documents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'pub2', outcome: 'failed' }),
          expect.objectContaining({ id: 'pub', outcome: 'not-run' }),
        ]),
      )
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')

      await blog.req('DELETE', `/api/releases/${id}/documents/posts/pub2`, { token: w })
      const add = await blog.req('POST', `/api/releases/${id}/documents`, {
        token: w,
        body: { collection: 'posts', id: 'pub2', action: 'unpublish' },
      })
      expect(add.status).toBe(200)
      const done = await blog.req('POST', `/api/releases/${id}/publish`, { token: w })
      expect(done.status).toBe(200)
      expect(done.json.release.state).toBe('published')
      expect(done.json.documents).toHaveLength(2)
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Launched Post')
      expect((await blog.req('GET', '/api/posts/pub2')).status).toBe(404)

      const revert = await blog.req('POST', `/api/releases/${id}/revert`, { token: w })
      expect(revert.status).toBe(201)
      expect(revert.json.revertOf).toBe(id)
      expect(
        (await blog.req('POST', `/api/releases/${revert.json.id}/publish`, { token: w })).status,
      ).toBe(200)
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')
      expect((await blog.req('GET', '/api/posts/pub2')).json.title).toBe('Second Post')
    })

    it('creates a new document inside a release with POST ?release=', async () => {
      const w = blog.tokens.write
      const { json: rel } = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: 'New page' },
      })
      const made = await blog.req('POST', `/api/posts?release=${rel.id}`, {
        token: w,
        body: { id: 'launch-post', title: 'Launch post', slug: 'launch-post' },
      })
      expect(made.status).toBe(201)
      expect(made.json._variant).toBe(`release:${rel.id}`)
      expect((await blog.req('GET', '/api/posts/launch-post')).status).toBe(404)
      const drafts = await blog.req('GET', '/api/posts/launch-post?draft=true', {
        token: blog.tokens.drafts,
      })
      expect(drafts.status).toBe(404)
      const gone = await blog.req('POST', '/api/posts?release=rmissing', {
        token: w,
        body: { title: 'x' },
      })
      expect(gone.status).toBe(404)
      expect((await blog.req('POST', `/api/releases/${rel.id}/publish`, { token: w })).status).toBe(
        200,
      )
      expect((await blog.req('GET', '/api/posts/launch-post')).json.title).toBe('Launch post')
    })

    it('refuses bad input with a message naming the field', async () => {
      const w = blog.tokens.write
      const r1 = await blog.req('POST', '/api/releases', { token: w, body: { title: '' } })
      expect(r1.status).toBe(400)
      expect(r1.json.error.message).toMatch(/title/)
      const r2 = await blog.req('POST', '/api/releases', { token: w, body: { title: 'a', x: 1 } })
      expect(r2.status).toBe(400)
      expect(r2.json.error.message).toMatch(/Unknown field 'x'/)
      const r3 = await blog.req('GET', '/api/releases/rmissing', { token: w })
      expect(r3.status).toBe(404)
    })

    it('pages GET /api/releases like collection lists, newest first', async () => {
      const w = blog.tokens.write
      for (const title of ['Page A', 'Page B', 'Page C'])
        expect(
          (await blog.req('POST', '/api/releases', { token: w, body: { title } })).status,
        ).toBe(201)
      const all = await blog.req('GET', '/api/releases?limit=1000', { token: w })
      expect(all.status).toBe(200)
      const total: number = all.json.totalDocs
      expect(total).toBeGreaterThanOrEqual(3)
      expect(all.json.docs).toHaveLength(total)
      expect(all.json.docs.slice(0, 3).map((r: { title: string }) => r.title)).toEqual([
        'Page C',
        'Page B',
        'Page A',
      ])
      // Without parameters: the first 10, as GET /api/:collection answers.
      const first = await blog.req('GET', '/api/releases', { token: w })
      expect(first.json).toMatchObject({ limit: 10, page: 1, totalDocs: total, hasPrevPage: false })
      expect(first.json.docs).toHaveLength(Math.min(10, total))
      const p2 = await blog.req('GET', '/api/releases?limit=2&page=2', { token: w })
      expect(p2.status).toBe(200)
      expect(p2.json).toEqual({
        docs: all.json.docs.slice(2, 4),
        totalDocs: total,
        limit: 2,
        page: 2,
        totalPages: Math.ceil(total / 2),
        hasNextPage: total > 4,
        hasPrevPage: true,
      })
      const past = await blog.req('GET', `/api/releases?limit=2&page=${total}`, { token: w })
      expect(past.json).toMatchObject({ docs: [], hasNextPage: false, hasPrevPage: true })
      const count = await blog.req('GET', '/api/releases?limit=0', { token: w })
      expect(count.json).toMatchObject({ docs: [], totalDocs: total, totalPages: 0 })
      // Bad values: the 400 of collection lists, naming the parameter.
      for (const [q, name] of [
        ['limit=1001', 'limit'],
        ['limit=-1', 'limit'],
        ['limit=ten', 'limit'],
        ['page=0', 'page'],
        ['page=1.5', 'page'],
        ['sort=title', 'sort'],
      ] as const) {
        const bad = await blog.req('GET', `/api/releases?${q}`, { token: w })
        const list = await blog.req('GET', `/api/posts?${q}`, { token: w })
        expect(bad.status, q).toBe(400)
        expect(bad.json.error.code, q).toBe('QUERY_INVALID')
        expect(bad.json.error.message, q).toMatch(new RegExp(name))
        if (name !== 'sort') expect(bad.json.error.message, q).toBe(list.json.error.message)
      }
    })

    it('GET /api/releases?state= keeps releases in those states, filtered by the store', async () => {
      const w = blog.tokens.write
      const made: string[] = []
      for (const title of ['State A', 'State B', 'State C']) {
        const res = await blog.req('POST', '/api/releases', { token: w, body: { title } })
        made.push(res.json.id)
      }
      // B is archived: no longer open, still listed without a filter.
      expect(
        (await blog.req('POST', `/api/releases/${made[1]}/archive`, { token: w })).status,
      ).toBe(200)
      const all = (await blog.req('GET', '/api/releases?limit=1000', { token: w })).json
      const open = await blog.req('GET', '/api/releases?state=active,scheduled&limit=1000', {
        token: w,
      })
      expect(open.status).toBe(200)
      const want = all.docs.filter(
        (r: { state: string }) => r.state === 'active' || r.state === 'scheduled',
      )
      expect(open.json.docs).toEqual(want)
      expect(open.json.totalDocs).toBe(want.length)
      expect(open.json.docs.map((r: { id: string }) => r.id)).not.toContain(made[1])
      const archived = await blog.req('GET', '/api/releases?state=archived&limit=1', { token: w })
      expect(archived.json).toMatchObject({ limit: 1, page: 1 })
      expect(archived.json.docs.map((r: { id: string }) => r.id)).toEqual([made[1]])
      expect(archived.json.totalDocs).toBe(
        all.docs.filter((r: { state: string }) => r.state === 'archived').length,
      )
      for (const q of ['state=open', 'state=', 'state=active,,scheduled', 'state=ACTIVE']) {
        const bad = await blog.req('GET', `/api/releases?${q}`, { token: w })
        expect(bad.status, q).toBe(400)
        expect(bad.json.error.code, q).toBe('QUERY_INVALID')
        expect(bad.json.error.message, q).toMatch(/state/)
      }
      // Anonymous callers may not list releases at all, filtered or not.
      expect((await blog.req('GET', '/api/releases?state=active')).status).toBe(401)
    })

    it('schedules a release and a document, refuses past times, and reports health', async () => {
      const w = blog.tokens.write
      const { json: rel } = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: 'Timed' },
      })
      await blog.req('PATCH', `/api/authors/ada?release=${rel.id}`, {
        token: w,
        body: { bio: 'Timed bio' },
      })
      const past = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: '2001-01-01T00:00:00Z' },
      })
      expect(past.status).toBe(400)
      expect(past.json.error.message).toMatch(/in the past/)
      const noZone = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: '2099-01-01T00:00:00' },
      })
      expect(noZone.status).toBe(400)
      const far = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: later(3_600_000) },
      })
      expect(far.status).toBe(200)
      expect(far.json.state).toBe('scheduled')
      const un = await blog.req('POST', `/api/releases/${rel.id}/unschedule`, { token: w })
      expect(un.json.state).toBe('active')
      const at = later(600)
      const soon = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: at },
      })
      expect(soon.json).toMatchObject({ state: 'scheduled', publishAt: at })

      const docPast = await blog.req('POST', '/api/posts/changed/schedule', {
        token: w,
        body: { action: 'publish', at: '2001-01-01T00:00:00Z' },
      })
      expect(docPast.status).toBe(400)
      const badAction = await blog.req('POST', '/api/posts/changed/schedule', {
        token: w,
        body: { action: 'delete', at: later(60_000) },
      })
      expect(badAction.status).toBe(400)
      const job = await blog.req('POST', '/api/posts/changed/schedule', {
        token: w,
        body: { action: 'publish', at: later(600) },
      })
      expect(job.status).toBe(201)
      const cancelMe = await blog.req('POST', '/api/posts/pub/schedule', {
        token: w,
        body: { action: 'unpublish', at: later(700) },
      })
      const listed = await blog.req('GET', '/api/posts/pub/schedule', { token: w })
      expect(listed.json.docs.map((j: { id: string }) => j.id)).toEqual([cancelMe.json.id])
      const cancelled = await blog.req('DELETE', `/api/posts/pub/schedule/${cancelMe.json.id}`, {
        token: w,
      })
      expect(cancelled.json.state).toBe('cancelled')

      await new Promise((r) => setTimeout(r, 1500))
      expect((await blog.req('GET', '/api/authors/ada')).json.bio).toBe('Timed bio')
      expect((await blog.req('GET', '/api/posts/changed')).json.title).toMatch(/Changed .* Title/)
      expect((await blog.req('GET', '/api/posts/pub')).status).toBe(200)
      const jobs = await blog.req('GET', '/api/schedules?state=done', { token: w })
      const ranAt = jobs.json.docs.map((j: { ranAt: string; runAt: string }) => [j.runAt, j.ranAt])
      expect(ranAt).toHaveLength(2)
      for (const [due, ran] of ranAt) {
        expect(Date.parse(ran) - Date.parse(due)).toBeGreaterThanOrEqual(0)
        expect(Date.parse(ran) - Date.parse(due)).toBeLessThan(1000)
      }
      const health = await blog.req('GET', '/api/schedules/health', { token: blog.tokens.drafts })
      expect(health.json).toMatchObject({ pending: 0, failures: [], overdue: 0 })
      expect(health.json.lastRun.at).toEqual(expect.any(String))
      expect((await blog.req('GET', `/api/releases/${rel.id}`, { token: w })).json.state).toBe(
        'published',
      )
    })
  })
}
