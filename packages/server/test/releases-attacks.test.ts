import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CollectionConfig, Releases } from '@galley/core'
import { blogConfig, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const later = (ms: number) => new Date(Date.now() + ms).toISOString()

for (const store of STORES) {
  describe.skipIf(store.skip)(`release and schedule routes under attack (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('answers every malformed release or schedule request with a 4xx naming the problem', async () => {
      const w = blog.tokens.write
      const { json: rel } = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: 'Target' },
      })
      const bad: Array<[string, string, unknown]> = [
        ['POST', '/api/releases', { title: 5 }],
        ['POST', '/api/releases', { title: 'x'.repeat(201) }],
        ['POST', '/api/releases', { title: 'ok', id: 'drafts' }],
        ['POST', '/api/releases', { title: 'ok', id: 'a\u0000b' }],
        ['POST', '/api/releases', { title: 'ok', id: 'x'.repeat(65) }],
        ['POST', '/api/releases', { title: 'ok', type: 'soon' }],
        ['POST', '/api/releases', { title: 'ok', publishAt: '2030-02-31T09:00:00Z' }],
        ['POST', '/api/releases', { title: 'ok', publishAt: '2030-13-01T09:00:00Z' }],
        ['POST', '/api/releases', { title: 'ok', publishAt: '2030-01-01T24:30:00Z' }],
        ['POST', '/api/releases', { title: 'ok', publishAt: 1893456000000 }],
        ['POST', '/api/releases', [1, 2]],
        ['POST', '/api/releases', 'null'],
        ['PATCH', `/api/releases/${rel.id}`, { title: null }],
        ['PATCH', `/api/releases/${rel.id}`, { state: 'published' }],
        ['POST', `/api/releases/${rel.id}/schedule`, { publishAt: '2001-01-01T00:00:00Z' }],
        ['POST', `/api/releases/${rel.id}/schedule`, { publishAt: '2030-02-30T00:00:00Z' }],
        ['POST', `/api/releases/${rel.id}/schedule`, { publishAt: '+275760-09-13T00:00:00Z' }],
        ['POST', `/api/releases/${rel.id}/schedule`, {}],
        ['POST', `/api/releases/${rel.id}/documents`, { collection: 'posts', id: 'pub' }],
        [
          'POST',
          `/api/releases/${rel.id}/documents`,
          { collection: 'nope', id: 'pub', action: 'unpublish' },
        ],
        [
          'POST',
          `/api/releases/${rel.id}/documents`,
          { collection: 'authors', id: 'pub', action: 'unpublish' },
        ],
        [
          'POST',
          `/api/releases/${rel.id}/documents`,
          { collection: 'posts', id: 'a\u0000', action: 'unpublish' },
        ],
        [
          'POST',
          `/api/releases/${rel.id}/documents`,
          { collection: 'users', id: 'x', action: 'unpublish' },
        ],
        ['POST', '/api/releases/rmissing/publish', null],
        ['POST', '/api/releases/%00/publish', null],
        ['DELETE', `/api/releases/${'x'.repeat(5000)}`, null],
        ['PATCH', `/api/posts/pub?release=drafts`, { title: 'x' }],
        ['PATCH', `/api/posts/pub?release=`, { title: 'x' }],
        ['PATCH', `/api/posts/pub?release=${rel.id}&release=${rel.id}`, { title: 'x' }],
        ['POST', '/api/posts/pub/schedule', { action: 'publish', at: '2001-01-01T00:00:00Z' }],
        ['POST', '/api/posts/pub/schedule', { action: 'delete', at: later(60_000) }],
        ['POST', '/api/posts/pub/schedule', { action: 'publish', at: '2030-02-31T09:00:00Z' }],
        ['POST', '/api/posts/ada/schedule', { action: 'publish', at: later(60_000) }],
        ['POST', '/api/posts/%00/schedule', { action: 'publish', at: later(60_000) }],
        ['POST', '/api/users/x/schedule', { action: 'publish', at: later(60_000) }],
        ['POST', '/api/galley-tokens/x/schedule', { action: 'publish', at: later(60_000) }],
        ['GET', '/api/schedules?limit=abc', undefined],
        ['GET', '/api/schedules?limit=-1', undefined],
        ['GET', '/api/schedules?state=running', undefined],
        ['GET', '/api/schedules?bogus=1', undefined],
        ['DELETE', '/api/schedules/nope', null],
        ['DELETE', '/api/posts/pub/schedule/nope', null],
      ]
      const problems: string[] = []
      for (const [method, path, body] of bad) {
        const res = await blog.req(method, path, {
          token: w,
          ...(body === undefined || body === null
            ? {}
            : typeof body === 'string'
              ? { raw: body, headers: { 'content-type': 'application/json' } }
              : { body }),
        })
        if (res.status < 400 || res.status >= 500 || typeof res.json?.error?.message !== 'string')
          problems.push(
            `${method} ${path.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 60)} → ${res.status} ${res.text.slice(0, 120)}`,
          )
      }
      expect(problems).toEqual([])
      // Query parameters are QUERY_INVALID on this list too, as on every other.
      for (const q of ['limit=abc', 'limit=-1', 'state=running', 'bogus=1']) {
        const res = await blog.req('GET', `/api/schedules?${q}`, { token: w })
        expect(res.json.error.code, q).toBe('QUERY_INVALID')
      }
    })
  })
}

/** Posts publish for admins only; editors publish authors only where bio is 'mine'. */
function guardedCollections(): CollectionConfig[] {
  const isAdmin = ({ user }: { user: unknown }) =>
    (user as { role?: string } | null)?.role === 'admin'
  return blogConfig(undefined as never).collections!.map((c) =>
    c.slug === 'posts'
      ? { ...c, access: { publish: isAdmin } }
      : c.slug === 'authors'
        ? {
            ...c,
            access: {
              publish: (a: { user: unknown }) => (isAdmin(a) ? true : { bio: { equals: 'mine' } }),
            },
          }
        : c,
  ) as CollectionConfig[]
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`schedules cannot publish past access rules (${store.name})`, () => {
    let blog: Blog
    let admin: { cookie: string; csrf: string }
    let releases: Releases
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false }, { collections: guardedCollections() })
      admin = await blog.login('admin@example.com')
      releases = new Releases(blog.galley)
    })
    afterAll(async () => {
      await blog?.close()
    })
    const asAdmin = (method: string, path: string, body?: unknown) =>
      blog.req(method, path, { ...admin, ...(body === undefined ? {} : { body }) })

    it('refuses an editor without publish adding content to a scheduled release', async () => {
      const { json: rel } = await asAdmin('POST', '/api/releases', { title: 'Scheduled' })
      expect(
        (await asAdmin('PATCH', `/api/authors/ada?release=${rel.id}`, { bio: 'New' })).status,
      ).toBe(200)
      expect(
        (await asAdmin('POST', `/api/releases/${rel.id}/schedule`, { publishAt: later(60_000) }))
          .status,
      ).toBe(200)
      // The editor may update posts but not publish them; the runner publishes as the server.
      const sneaked = await blog.req('PATCH', `/api/posts/pub?release=${rel.id}`, {
        token: blog.tokens.write,
        body: { title: 'Hijacked' },
      })
      expect(sneaked.status).toBe(403)
      expect(sneaked.json.error.message).toMatch(/scheduled.*publish/)
      const created = await blog.req('POST', `/api/posts?release=${rel.id}`, {
        token: blog.tokens.write,
        body: { title: 'Hijacked new', slug: 'hijacked-new' },
      })
      expect(created.status).toBe(403)
      const gql = await blog.req('POST', '/api/graphql', {
        token: blog.tokens.write,
        body: {
          query: `mutation { updatePosts(id: "pub", release: "${rel.id}", data: { title: "Hijacked" }) { id } }`,
        },
      })
      expect(JSON.stringify(gql.json)).toMatch(/scheduled/)
      // An admin still may; the job then publishes exactly what was allowed.
      expect(
        (await asAdmin('PATCH', `/api/posts/pub2?release=${rel.id}`, { title: 'By admin' })).status,
      ).toBe(200)
      const ran = await releases.runDueJob('attack', later(120_000))
      expect(ran?.state).toBe('done')
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Published Post')
      expect((await blog.req('GET', '/api/posts/pub2')).json.title).toBe('By admin')
      expect(
        (await blog.req('GET', '/api/posts?where[slug][equals]=hijacked-new')).json.totalDocs,
      ).toBe(0)
    })

    it("refuses scheduling a document or a release the caller's where rule does not cover", async () => {
      const w = blog.tokens.write
      // 'ghost' is a draft author whose bio is not 'mine': a direct publish is refused...
      expect(
        (await blog.req('POST', '/api/authors/ghost/publish', { token: w })).status,
      ).toBeGreaterThanOrEqual(400)
      // ...and so is a schedule, which the runner would carry out as the server.
      const one = await blog.req('POST', '/api/authors/ghost/schedule', {
        token: w,
        body: { action: 'publish', at: later(60_000) },
      })
      expect(one.status).toBe(403)
      const { json: rel } = await blog.req('POST', '/api/releases', {
        token: w,
        body: { title: 'Mine?' },
      })
      expect(
        (
          await blog.req('PATCH', `/api/authors/ghost?release=${rel.id}`, {
            token: w,
            body: { name: 'Renamed' },
          })
        ).status,
      ).toBe(200)
      const sched = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: later(60_000) },
      })
      expect(sched.status).toBe(403)
      expect(await releases.runDueJob('attack', later(120_000))).toBeUndefined()
      const ghost = await blog.galley.findById({ collection: 'authors', id: 'ghost' })
      expect(ghost).toBeNull()
      // Documents the rule covers schedule fine.
      await blog.galley.update({
        collection: 'authors',
        id: 'ghost',
        data: { bio: 'mine' },
        draft: true,
      })
      await blog.galley.update({
        collection: 'authors',
        id: 'ghost',
        release: rel.id,
        data: { bio: 'mine' },
      })
      const ok = await blog.req('POST', '/api/authors/ghost/schedule', {
        token: w,
        body: { action: 'publish', at: later(60_000) },
      })
      expect(ok.status).toBe(201)
    })
  })
}

describe('a release over the document limit (sqlite)', () => {
  it('is refused whole at publish and schedule, never published in part; delete drops it all', async () => {
    const blog = await setupBlog(STORES[0]!, { jobs: false })
    try {
      const releases = new Releases(blog.galley)
      const rel = await releases.create({ title: 'Huge' })
      await blog.galley.transaction(async (g) => {
        for (let i = 0; i <= 5000; i++)
          await g.create({ collection: 'authors', release: rel.id, data: { name: `A${i}` } })
      })
      const w = blog.tokens.write
      const pub = await blog.req('POST', `/api/releases/${rel.id}/publish`, { token: w })
      expect(pub.status).toBe(400)
      expect(pub.json.error.message).toMatch(/more than 5,000 'authors'/)
      const sched = await blog.req('POST', `/api/releases/${rel.id}/schedule`, {
        token: w,
        body: { publishAt: later(60_000) },
      })
      expect(sched.status).toBe(400)
      expect((await blog.req('GET', '/api/authors?limit=1')).json.totalDocs).toBe(1)
      expect((await releases.get({ id: rel.id })).state).toBe('active')
      expect((await blog.req('DELETE', `/api/releases/${rel.id}`, { token: w })).status).toBe(200)
      const raw = await blog.galley.count({ collection: 'authors', perspective: 'raw' })
      expect(raw.totalDocs).toBe(2)
    } finally {
      await blog.close()
    }
  }, 120_000)
})

for (const store of STORES) {
  describe.skipIf(store.skip)(`schedules of hidden documents (${store.name})`, () => {
    it('lists no schedule or failure of a document the caller may not read drafts of', async () => {
      const adminOnly = ({ user }: { user: unknown }) =>
        (user as { role?: string } | null)?.role === 'admin'
      const collections = blogConfig(undefined as never).collections!.map((c) =>
        c.slug === 'authors'
          ? { ...c, access: { readDrafts: adminOnly } }
          : c.slug === 'posts'
            ? { ...c, access: { readDrafts: () => ({ featured: { equals: true } }) } }
            : c,
      ) as CollectionConfig[]
      const blog = await setupBlog(store, { jobs: false }, { collections })
      try {
        const releases = new Releases(blog.galley)
        await releases.scheduleDocument({
          collection: 'authors',
          id: 'ghost',
          action: 'publish',
          at: later(60_000),
        })
        await releases.scheduleDocument({
          collection: 'posts',
          id: 'pub2',
          action: 'unpublish',
          at: later(60_000),
        })
        await releases.scheduleDocument({
          collection: 'posts',
          id: 'pub',
          action: 'unpublish',
          at: later(60_000),
        })
        const viewer = await blog.login('viewer@example.com')
        const listed = await blog.req('GET', '/api/schedules', { cookie: viewer.cookie })
        expect(listed.status).toBe(200)
        expect(listed.json.docs.map((j: { docId: string }) => j.docId)).toEqual(['pub'])
        expect(listed.text).not.toContain('ghost')
        const one = await blog.req('GET', '/api/posts/pub2/schedule', { cookie: viewer.cookie })
        expect(one.json.docs ?? []).toEqual([])
        const admin = await blog.login('admin@example.com')
        const all = await blog.req('GET', '/api/schedules', { cookie: admin.cookie })
        // The admin reads every author's drafts; the posts rule holds for it too.
        expect(all.json.docs.map((j: { docId: string }) => j.docId).sort()).toEqual([
          'ghost',
          'pub',
        ])
      } finally {
        await blog.close()
      }
    })
  })
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`deleting or unscheduling others' content (${store.name})`, () => {
    it('refuses an editor deleting, unscheduling or archiving a release of content it may not change', async () => {
      const isAdmin = ({ user }: { user: unknown }) =>
        (user as { role?: string } | null)?.role === 'admin'
      const collections = blogConfig(undefined as never).collections!.map((c) =>
        c.slug === 'authors' ? { ...c, access: { update: isAdmin, publish: isAdmin } } : c,
      ) as CollectionConfig[]
      const blog = await setupBlog(store, { jobs: false }, { collections })
      try {
        const releases = new Releases(blog.galley)
        const rel = await releases.create({ title: 'Admin work' })
        await blog.galley.update({
          collection: 'authors',
          id: 'ada',
          release: rel.id,
          data: { bio: 'New' },
        })
        const w = blog.tokens.write // an editor: may change posts, not authors
        const del = await blog.req('DELETE', `/api/releases/${rel.id}`, { token: w })
        expect(del.status).toBe(403)
        expect(del.json.error.message).toMatch(/authors/)
        await releases.schedule({ id: rel.id, publishAt: later(60_000) })
        for (const action of ['unschedule', 'archive'])
          expect(
            (await blog.req('POST', `/api/releases/${rel.id}/${action}`, { token: w })).status,
          ).toBe(403)
        const after = await releases.get({ id: rel.id })
        expect(after.state).toBe('scheduled')
        expect(after.documents.map((d) => d.id)).toEqual(['ada'])
      } finally {
        await blog.close()
      }
    })
  })
}
