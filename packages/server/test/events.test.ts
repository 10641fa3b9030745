import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import { AuthStore, createServer, withAuth, type GalleyServer } from '../src/index'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { sseReader, type SseEvent } from './helpers/sse'
import { STORES } from './helpers/stores'

const changes = (events: SseEvent[]) => events.filter((e) => e.event === undefined && e.data)

for (const store of STORES) {
  describe.skipIf(store.skip)(`live events (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { events: { heartbeatMs: 60_000 } })
    })
    afterAll(async () => {
      await blog?.close()
    })

    const listen = async (headers: Record<string, string> = {}, query = '') => {
      const res = await blog.server.app.request(`http://localhost/api/events${query}`, {
        headers,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      expect(res.headers.get('cache-control')).toMatch(/no-store/)
      const sse = sseReader(res.body!)
      const ready = await sse.next()
      expect(ready?.event).toBe('ready')
      return { sse, ready: ready! }
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

    it('anonymous listeners hear published changes only, never a draft', async () => {
      const anon = await listen()
      const published = await listen(bearer(blog.tokens.published))
      const drafts = await listen(bearer(blog.tokens.drafts))
      const g = blog.galley
      await g.create({
        collection: 'posts',
        id: 'ev-draft',
        data: { title: `${SECRET} new` },
        draft: true,
      })
      await g.update({
        collection: 'posts',
        id: 'pub',
        data: { title: `${SECRET} edit` },
        draft: true,
      })
      await g.update({
        collection: 'posts',
        id: 'ev-draft',
        data: { title: `${SECRET} again` },
        draft: true,
        autosave: true,
      })
      await g.updateGlobal({ slug: 'settings', data: { siteName: `${SECRET} site` }, draft: true })
      await g.publish({ collection: 'posts', id: 'pub' })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Public Site 2' } })
      await g.unpublish({ collection: 'posts', id: 'pub2' })
      await g.delete({ collection: 'posts', id: 'ev-draft' })

      for (const l of [anon, published]) {
        const got = changes(await l.sse.drain())
        expect(got.map((e) => e.data)).toEqual([
          expect.objectContaining({
            kind: 'collection',
            collection: 'posts',
            id: 'pub',
            operation: 'publish',
            status: 'published',
            published: true,
          }),
          expect.objectContaining({
            kind: 'global',
            global: 'settings',
            operation: 'update',
            status: 'published',
          }),
          {
            kind: 'collection',
            collection: 'posts',
            id: 'pub2',
            operation: 'unpublish',
            status: null,
            published: true,
            at: expect.any(String),
          },
        ])
        const text = JSON.stringify(got)
        expect(text).not.toContain(SECRET)
        expect(text).not.toContain('ev-draft') // a never-published draft, created and deleted
        expect(text).not.toMatch(/"status":"(draft|changed)"/)
        // The published revision is named; it reads back as the published content.
        const pubRev = got[0]!.data.rev
        expect((await g.findById({ collection: 'posts', id: 'pub' }))?._rev).toBe(pubRev)
        // Ids are the feed's numbers, increasing.
        const ids = got.map((e) => Number(e.id))
        expect(ids).toEqual([...ids].sort((a, b) => a - b))
        l.sse.close()
      }

      const all = changes(await drafts.sse.drain()).map((e) => e.data)
      expect(all.map((d) => [d.collection ?? d.global, d.id, d.operation, d.status])).toEqual([
        ['posts', 'ev-draft', 'create', 'draft'],
        ['posts', 'pub', 'update', 'changed'],
        ['posts', 'ev-draft', 'update', 'draft'],
        ['settings', undefined, 'update', 'changed'],
        ['posts', 'pub', 'publish', 'published'],
        ['settings', undefined, 'update', 'published'],
        ['posts', 'pub2', 'unpublish', 'draft'],
        ['posts', 'ev-draft', 'delete', null],
      ])
      expect(JSON.stringify(all)).not.toContain(SECRET) // ids and status, never content
      drafts.sse.close()
    })

    it('the server’s own collections and users are never announced to the public', async () => {
      const anon = await listen()
      await blog.store.createToken({ name: 'another', scope: 'read:published' })
      await blog.store.createUser({
        email: 'new@example.com',
        password: 'correct horse battery',
        role: 'viewer',
      })
      const seen = changes(await anon.sse.drain())
      expect(seen).toEqual([])
      anon.sse.close()
    })

    it('Last-Event-ID resumes after the last event seen, in order, nothing twice', async () => {
      const drafts = bearer(blog.tokens.drafts)
      const first = await listen(drafts)
      await blog.galley.update({
        collection: 'posts',
        id: 'changed',
        data: { views: 1 },
        draft: true,
      })
      const seen = (await first.sse.next())!
      expect(seen.data).toMatchObject({ id: 'changed', operation: 'update' })
      first.sse.close()
      // While disconnected:
      await blog.galley.update({
        collection: 'posts',
        id: 'changed',
        data: { views: 2 },
        draft: true,
      })
      await blog.galley.publish({ collection: 'posts', id: 'changed' })
      const again = await blog.server.app.request('http://localhost/api/events', {
        headers: { ...drafts, 'last-event-id': seen.id! },
      })
      const sse = sseReader(again.body!)
      const missed = changes(await sse.drain())
      expect(missed.map((e) => e.data.operation)).toEqual(['update', 'publish'])
      expect(Number(missed[0]!.id)).toBeGreaterThan(Number(seen.id))
      // Live events follow the replay.
      await blog.galley.update({
        collection: 'posts',
        id: 'changed',
        data: { views: 3 },
        draft: true,
      })
      expect((await sse.next())?.data).toMatchObject({ id: 'changed', operation: 'update' })
      sse.close()
      // The same through the query, for clients that cannot set headers.
      const viaQuery = await blog.server.app.request(
        `http://localhost/api/events?lastEventId=${seen.id}`,
        { headers: drafts },
      )
      const q = sseReader(viaQuery.body!)
      expect(changes(await q.drain()).map((e) => e.data.operation)).toEqual([
        'update',
        'publish',
        'update',
      ])
      q.close()
    })

    it('a malformed Last-Event-ID or an unknown parameter is a 400 naming it', async () => {
      const bad = await blog.req('GET', '/api/events', { headers: { 'last-event-id': 'abc' } })
      expect(bad.status).toBe(400)
      expect(bad.json.error.message).toMatch(/Last-Event-ID must be the id of an event/)
      const unknown = await blog.req('GET', '/api/events?collection=posts')
      expect(unknown.status).toBe(400)
      const token = await blog.req('GET', `/api/events?token=${blog.tokens.drafts}`)
      expect(token.status).toBe(400)
    })

    it('heartbeats: a comment line at the configured interval', async () => {
      const server = createServer({
        galley: blog.galley,
        logger: { error() {}, warn() {} },
        events: { heartbeatMs: 40 },
      })
      try {
        const res = await server.app.request('http://localhost/api/events')
        const sse = sseReader(res.body!)
        expect((await sse.next())?.event).toBe('ready')
        const beat = await sse.next(1000, false)
        expect(beat?.comment).toBe('heartbeat')
        sse.close()
      } finally {
        await server.close()
      }
    })

    it('a slow listener is cut off at its buffer bound; the others get everything', async () => {
      const server = createServer({
        galley: blog.galley,
        logger: { error() {}, warn() {} },
        events: { maxBufferBytes: 2048, heartbeatMs: 60_000 },
      })
      try {
        const slow = await server.app.request('http://localhost/api/events', {
          headers: bearer(blog.tokens.drafts),
        })
        const fast = sseReader(
          (
            await server.app.request('http://localhost/api/events', {
              headers: bearer(blog.tokens.drafts),
            })
          ).body!,
        )
        await fast.next() // ready
        const n = 40 // each event is ~200 bytes: well past 2 KiB unread
        for (let i = 0; i < n; i++)
          await blog.galley.update({
            collection: 'posts',
            id: 'changed',
            data: { views: i },
            draft: true,
          })
        const got = changes(await fast.drain(500))
        expect(got).toHaveLength(n)
        // The slow one never read: its stream was errored, what it held dropped.
        const reader = slow.body!.getReader()
        let bytes = 0
        let failed = false
        try {
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            bytes += value.byteLength
          }
        } catch {
          failed = true
        }
        expect(failed).toBe(true)
        expect(bytes).toBeLessThan(2048 * 2)
        fast.close()
      } finally {
        await server.close()
      }
    })
  })

  describe.skipIf(store.skip)(`live events respect where-based read rules (${store.name})`, () => {
    let galley: Galley
    let server: GalleyServer
    let drop: () => Promise<void>
    let viewerToken: string
    beforeAll(async () => {
      const made = await store.make()
      drop = made.drop
      galley = await createGalley(
        withAuth(
          defineConfig({
            storage: made.storage,
            collections: [
              {
                slug: 'notes',
                versions: { drafts: true },
                access: {
                  // The public sees public notes only; viewers see every draft but secret ones.
                  read: () => ({ visibility: { equals: 'public' } }),
                  readDrafts: ({ user }) =>
                    user ? { visibility: { not_equals: 'secret' } } : false,
                },
                fields: [
                  { name: 'title', type: 'text' },
                  { name: 'visibility', type: 'select', options: ['public', 'members', 'secret'] },
                ],
              },
              {
                // Only a where-based read rule: readDrafts is withAuth's default (signed-in
                // callers), so a drafts reader is still bound by the read rule.
                slug: 'tenant',
                versions: { drafts: true },
                access: { read: () => ({ visibility: { equals: 'public' } }) },
                fields: [
                  { name: 'title', type: 'text' },
                  { name: 'visibility', type: 'select', options: ['public', 'members', 'secret'] },
                ],
              },
              {
                slug: 'memos',
                versions: { drafts: true },
                access: {
                  // Users read every memo; drafts but secret ones; the public, public ones.
                  read: ({ user }) => (user ? true : { visibility: { equals: 'public' } }),
                  readDrafts: ({ user }) =>
                    user ? { visibility: { not_equals: 'secret' } } : false,
                },
                fields: [
                  { name: 'title', type: 'text' },
                  { name: 'visibility', type: 'select', options: ['public', 'members', 'secret'] },
                ],
              },
            ],
          }),
        ),
      )
      viewerToken = (await new AuthStore(galley).createToken({ name: 'v', scope: 'read:drafts' }))
        .token
      await galley.create({
        collection: 'notes',
        id: 'open',
        data: { title: 'o', visibility: 'public' },
      })
      await galley.create({
        collection: 'notes',
        id: 'members',
        data: { title: 'm', visibility: 'members' },
      })
      await galley.create({
        collection: 'notes',
        id: 'secret',
        data: { title: 's', visibility: 'secret' },
      })
      server = createServer({ galley, logger: { error() {}, warn() {} } })
    })
    afterAll(async () => {
      await server?.close()
      await galley?.close()
      await drop?.()
    })

    it('a document the listener may not read is not announced, published or not', async () => {
      const open = async (headers: Record<string, string> = {}) => {
        const sse = sseReader(
          (await server.app.request('http://localhost/api/events', { headers })).body!,
        )
        await sse.next()
        return sse
      }
      const anon = await open()
      const viewer = await open({ authorization: `Bearer ${viewerToken}` })
      const heard: { anon: string[]; viewer: string[] } = { anon: [], viewer: [] }
      // One change at a time: what a listener hears is decided when the change is delivered,
      // against the document as it is then.
      const step = async (write: () => Promise<unknown>) => {
        await write()
        for (const [who, sse] of [
          ['anon', anon],
          ['viewer', viewer],
        ] as const)
          for (const e of await sse.drain(150)) heard[who].push(`${e.data.id} ${e.data.operation}`)
      }
      for (const id of ['open', 'members', 'secret'])
        await step(() => galley.update({ collection: 'notes', id, data: { title: `${id} 2` } }))
      await step(() =>
        galley.update({ collection: 'notes', id: 'members', data: { visibility: 'public' } }),
      )
      await step(() =>
        galley.update({ collection: 'notes', id: 'open', data: { visibility: 'members' } }),
      )
      await step(() =>
        galley.update({ collection: 'notes', id: 'open', data: { title: 'd' }, draft: true }),
      )
      await step(() => galley.unpublish({ collection: 'notes', id: 'members' }))
      // 'open' stopped being public: who could read it hears it leave (status null, see
      // below), the draft save after that is nobody's; 'members' was public when it was
      // unpublished: the public hears that it is gone.
      expect(heard.anon).toEqual([
        'open update',
        'members update',
        'open update',
        'members unpublish',
      ])
      // Drafts are read under both rules: public, and not secret.
      expect(heard.viewer).toEqual([
        'open update',
        'members update',
        'open update',
        'members unpublish',
      ])
      anon.close()
      viewer.close()
    })

    it('a drafts reader hears only what the read rule lets it read, as its reads do', async () => {
      const sse = sseReader(
        (
          await server.app.request('http://localhost/api/events', {
            headers: { authorization: `Bearer ${viewerToken}` },
          })
        ).body!,
      )
      await sse.next()
      const tenant = { collection: 'tenant' } as const
      await galley.create({
        ...tenant,
        id: 't-secret',
        data: { visibility: 'secret' },
        draft: true,
      })
      await galley.create({ ...tenant, id: 't-open', data: { visibility: 'public' }, draft: true })
      await galley.update({ ...tenant, id: 't-secret', data: { title: 'x' }, draft: true })
      await galley.publish({ ...tenant, id: 't-secret' })
      const heard = (await sse.drain(300)).map((e) => `${e.data.id} ${e.data.operation}`)
      expect(heard).toEqual(['t-open create'])
      // The same caller's reads agree: the secret document is not in its drafts either.
      const auth = { headers: { authorization: `Bearer ${viewerToken}` } }
      const list = await server.app.request('http://localhost/api/tenant?draft=true', auth)
      const body = (await list.json()) as { docs: { id: string }[] }
      expect(body.docs.map((d) => d.id)).toEqual(['t-open'])
      sse.close()
    })

    it('a listener that could read a document hears its unpublish and delete; no one else does', async () => {
      const open = async (headers: Record<string, string> = {}, lastEventId?: string) => {
        const res = await server.app.request('http://localhost/api/events', {
          headers: { ...headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        })
        const sse = sseReader(res.body!)
        if (!lastEventId) await sse.next()
        return sse
      }
      const viewerAuth = { authorization: `Bearer ${viewerToken}` }
      const anon = await open()
      const viewer = await open(viewerAuth)
      const heard = { anon: [] as SseEvent[], viewer: [] as SseEvent[] }
      const step = async (write: () => Promise<unknown>) => {
        await write()
        heard.anon.push(...(await anon.drain(150)))
        heard.viewer.push(...(await viewer.drain(150)))
      }
      const said = (events: SseEvent[]) => events.map((e) => `${e.data.id} ${e.data.operation}`)
      const notes = { collection: 'notes' } as const
      // Only public documents can be read, by either listener.
      for (const visibility of ['public', 'members', 'secret'])
        await step(() =>
          galley.create({ ...notes, id: `w-${visibility}`, data: { title: 't', visibility } }),
        )
      for (const visibility of ['public', 'members', 'secret'])
        await step(() => galley.unpublish({ ...notes, id: `w-${visibility}` }))
      for (const visibility of ['public', 'members', 'secret'])
        await step(() => galley.publish({ ...notes, id: `w-${visibility}` }))
      for (const visibility of ['public', 'members', 'secret'])
        await step(() => galley.delete({ ...notes, id: `w-${visibility}` }))
      expect(said(heard.anon)).toEqual([
        'w-public create',
        'w-public unpublish',
        'w-public publish',
        'w-public delete',
      ])
      // What the public hears of a removal tells nothing of drafts.
      expect(heard.anon[1]!.data).toMatchObject({ status: null, published: true })
      expect(heard.anon[1]!.data.rev).toBeUndefined()
      expect(heard.anon[3]!.data).toMatchObject({ status: null, published: true })
      // The viewer reads drafts under both rules (public, and not secret): the same
      // documents, with their real status.
      expect(said(heard.viewer)).toEqual(said(heard.anon))
      expect(heard.viewer[1]!.data).toMatchObject({ status: 'draft', published: true })
      expect(heard.viewer[3]!.data).toMatchObject({ status: null, published: true })

      // A document that stopped being readable: who could read it hears it leave, with
      // nothing of its new state (no revision, status null); no one hears its delete.
      await step(() =>
        galley.create({ ...notes, id: 'moved', data: { title: 't', visibility: 'public' } }),
      )
      await step(() => galley.update({ ...notes, id: 'moved', data: { visibility: 'secret' } }))
      await step(() => galley.delete({ ...notes, id: 'moved' }))
      expect(said(heard.anon).slice(4)).toEqual(['moved create', 'moved update'])
      expect(said(heard.viewer).slice(4)).toEqual(['moved create', 'moved update'])
      for (const left of [heard.anon[5]!, heard.viewer[5]!]) {
        expect(left.data).toMatchObject({ id: 'moved', operation: 'update', status: null })
        expect(left.data.rev).toBeUndefined()
      }

      // Where only the drafts rule is a where (memos): the viewer hears the members memo's
      // removals, the public does not.
      const memos = { collection: 'memos' } as const
      const before = { anon: heard.anon.length, viewer: heard.viewer.length }
      for (const visibility of ['public', 'members', 'secret'])
        await step(() =>
          galley.create({ ...memos, id: `m-${visibility}`, data: { title: 't', visibility } }),
        )
      for (const visibility of ['public', 'members', 'secret']) {
        await step(() => galley.unpublish({ ...memos, id: `m-${visibility}` }))
        await step(() => galley.delete({ ...memos, id: `m-${visibility}` }))
      }
      // (Once unpublished, a memo is not public content: its delete is not the public's.)
      expect(said(heard.anon.slice(before.anon))).toEqual(['m-public create', 'm-public unpublish'])
      expect(said(heard.viewer.slice(before.viewer))).toEqual([
        'm-public create',
        'm-members create',
        'm-public unpublish',
        'm-public delete',
        'm-members unpublish',
        'm-members delete',
      ])

      // A listener that connects after the publish: the unpublish is checked against the
      // published content the document had (its history), so it is heard; a document
      // that was never public is not.
      for (const visibility of ['public', 'secret'])
        await galley.create({
          ...notes,
          id: `late-${visibility}`,
          data: { title: 'l', visibility },
        })
      const late = await open()
      for (const visibility of ['public', 'secret'])
        await galley.unpublish({ ...notes, id: `late-${visibility}` })
      const lateHeard = await late.drain(300)
      expect(said(lateHeard)).toEqual(['late-public unpublish'])
      // So does one that resumes from before it (the backlog is decided the same way).
      const resumed = await open({}, String(Number(lateHeard[0]!.id) - 1))
      expect(said(await resumed.drain(300))).toEqual(['late-public unpublish'])
      resumed.close()
      for (const sse of [anon, viewer, late]) sse.close()
    })
  })
}
