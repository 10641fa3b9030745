import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createGalley, type Galley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { AuthStore, createServer, withAuth, type GalleyServer } from '../src/index'
import { generatePreviewSecret, hashPreviewSecret } from '@galley/preview'
import { PREVIEW_SECRETS } from '../src/preview/preview-collection'
import { PreviewStore } from '../src/preview/preview-store'
import { blogConfig, setupBlog, SECRET, type Blog } from './helpers/blog'
import { ENABLE_URL, requester, shiftClock, until } from './helpers/preview'
import { sseReader } from './helpers/sse'
import { STORES } from './helpers/stores'

const GRANT = 'galley-preview-grant'
const DRAFTS_READ = '/api/posts?perspective=drafts&limit=50'

for (const store of STORES) {
  describe.skipIf(store.skip)(`preview grants end their sessions (${store.name})`, () => {
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

    /** A shared link validated as a frontend would: its secret, id and grant. */
    const openShare = async (body: Record<string, unknown> = {}) => {
      const made = await blog.req('POST', '/api/preview/shares', {
        token: blog.tokens.write,
        body: { name: 'Review', ...body },
      })
      expect(made.status).toBe(201)
      const valid = await blog.req('POST', '/api/preview/validate', {
        token: blog.tokens.drafts,
        body: { secret: made.json.secret },
      })
      expect(valid.json).toMatchObject({ isValid: true, grant: made.json.id })
      return { id: made.json.id as string, grant: valid.json.grant as string }
    }
    const previewRead = (grant: string, path = DRAFTS_READ) =>
      blog.req('GET', path, { token: blog.tokens.drafts, headers: { [GRANT]: grant } })
    const revoke = (id: string) =>
      blog.req('DELETE', `/api/preview/shares/${id}`, { token: blog.tokens.write })

    it('a link ends with its creator: a deleted user, a revoked token', async () => {
      const user = await blog.store.createUser({
        email: `leaver-${store.name}@example.com`,
        password: 'a long enough passphrase',
        role: 'viewer',
      })
      const { token } = await blog.store.createToken({
        name: `leaving-${store.name}`,
        scope: 'read:drafts',
      })
      const byUser = await blog.login(user.email as string, {
        password: 'a long enough passphrase',
      })
      const links: { secret: string; grant: string }[] = []
      for (const who of [{ cookie: byUser.cookie, csrf: byUser.csrf }, { token }]) {
        const made = await blog.req('POST', '/api/preview/shares', {
          ...who,
          body: { name: 'Goes with its maker' },
        })
        expect(made.status).toBe(201)
        const valid = await blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          body: { secret: made.json.secret },
        })
        expect(valid.json.isValid).toBe(true)
        expect((await previewRead(valid.json.grant)).status).toBe(200)
        links.push({ secret: made.json.secret, grant: valid.json.grant })
      }
      const listed = async () => {
        const admin = await blog.login('admin@example.com')
        const res = await blog.req('GET', '/api/preview/shares', admin)
        return (res.json.shares as Array<{ name: string }>).filter(
          (s) => s.name === 'Goes with its maker',
        ).length
      }
      expect(await listed()).toBe(2)
      await blog.galley.delete({ collection: 'users', id: user.id })
      expect(await blog.store.revokeToken(`leaving-${store.name}`)).not.toBeNull()
      // Found by review: the admin's list still showed both, though neither works.
      expect(await listed()).toBe(0)
      for (const { secret, grant } of links) {
        const again = await blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          body: { secret },
        })
        expect(again.json.isValid).toBe(false)
        const ended = await previewRead(grant)
        expect(ended.status).toBe(403)
        expect(ended.json.error.code).toBe('PREVIEW_ENDED')
      }
    })

    it('a read naming a live grant passes; after the link is revoked the next one is PREVIEW_ENDED', async () => {
      const { id, grant } = await openShare()
      const live = await previewRead(grant)
      expect(live.status).toBe(200)
      expect(live.text).toContain(SECRET)
      expect((await revoke(id)).status).toBe(200)
      const ended = await previewRead(grant)
      expect(ended.status).toBe(403)
      expect(ended.json.error.code).toBe('PREVIEW_ENDED')
      expect(ended.json.error.message).toMatch(/revoked or has expired/)
      expect(ended.text).not.toContain(SECRET)
      expect(ended.headers.get('cache-control')).toMatch(/no-store/)
      // Every kind of read: one document, a global, GraphQL.
      for (const path of [
        '/api/posts/changed?perspective=drafts',
        '/api/globals/settings?draft=true',
      ])
        expect((await previewRead(grant, path)).status).toBe(403)
      const gql = await blog.req('POST', '/api/graphql', {
        token: blog.tokens.drafts,
        headers: { [GRANT]: grant },
        body: { query: '{ Posts(draft: true) { docs { title } } }' },
      })
      expect(gql.status).toBe(403)
      // The frontend's token itself still works: only the session ended.
      expect((await blog.req('GET', DRAFTS_READ, { token: blog.tokens.drafts })).status).toBe(200)
    })

    it('attack: a response cached for the same token and URL is not served to an ended session', async () => {
      const { id, grant } = await openShare()
      expect((await previewRead(grant)).status).toBe(200)
      await revoke(id)
      // The same token and URL without a grant fill the response cache again …
      for (let i = 0; i < 2; i++)
        expect((await blog.req('GET', DRAFTS_READ, { token: blog.tokens.drafts })).status).toBe(200)
      // … and the ended session still gets no drafts.
      const ended = await previewRead(grant)
      expect(ended.status).toBe(403)
      expect(ended.text).not.toContain(SECRET)
    })

    it('a link that expires ends its sessions with it', async () => {
      const expiresAt = new Date(Date.now() + 120_000).toISOString()
      const { grant } = await openShare({ expiresAt })
      expect((await previewRead(grant)).status).toBe(200)
      shiftClock(121_000)
      expect((await previewRead(grant)).json.error.code).toBe('PREVIEW_ENDED')
    })

    it('a single-use secret validates once, and its session lives until the secret expires', async () => {
      const made = await blog.req('POST', '/api/preview/secrets', {
        token: blog.tokens.write,
        body: { singleUse: true, ttlSeconds: 60 },
      })
      const validate = () =>
        blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          body: { secret: made.json.secret },
        })
      const first = await validate()
      expect(first.json.isValid).toBe(true)
      expect((await validate()).json.isValid).toBe(false)
      expect((await previewRead(first.json.grant)).status).toBe(200)
      shiftClock(61_000)
      expect((await previewRead(first.json.grant)).status).toBe(403)
    })

    it('an unknown grant is ended and a malformed one is a 400 that says what to send', async () => {
      expect((await previewRead('01nosuchgrant000000000')).json.error.code).toBe('PREVIEW_ENDED')
      const bad = await previewRead('not a grant')
      expect(bad.status).toBe(400)
      expect(bad.json.error.message).toMatch(/Galley-Preview-Grant must be/)
    })

    it('an event stream opened in a preview session ends with its grant', async () => {
      const open = async (grant: string) => {
        const res = await blog.server.app.request('http://localhost/api/events', {
          headers: { authorization: `Bearer ${blog.tokens.drafts}`, [GRANT]: grant },
        })
        expect(res.status).toBe(200)
        const sse = sseReader(res.body!)
        expect((await sse.next())?.event).toBe('ready')
        return sse
      }
      // Revoked, then a draft is saved: the stream says the preview ended, and nothing of the draft.
      const first = await openShare()
      const busy = await open(first.grant)
      await revoke(first.id)
      await blog.galley.update({
        collection: 'posts',
        id: 'changed',
        data: { title: `${SECRET} after revoke` },
        draft: true,
      })
      const heard = await busy.drain(1500)
      expect(heard.map((e) => e.event)).toEqual(['ended'])
      expect(heard[0]!.data).toMatchObject({ code: 'PREVIEW_ENDED' })
      expect(busy.ended).toBe(true)
      // Revoked while nothing happens: it ends within about a second all the same.
      const second = await openShare()
      const idle = await open(second.grant)
      await revoke(second.id)
      expect((await idle.next(2500))?.event).toBe('ended')
      // The check fails (the store is unreachable): nothing is delivered, and the stream
      // closes without saying the preview ended (the client reconnects; its check decides).
      const third = await openShare()
      const failing = await open(third.grant)
      const grantState = PreviewStore.prototype.grantState
      PreviewStore.prototype.grantState = async () => {
        throw new Error('store down')
      }
      try {
        await blog.galley.update({
          collection: 'posts',
          id: 'changed',
          data: { title: `${SECRET} while down` },
          draft: true,
        })
        // (A grant trusted from the cache may still hear that change: it was not revoked.)
        const heard = await failing.drain(2500)
        expect(heard.filter((e) => e.event === 'ended')).toEqual([])
        expect(failing.ended).toBe(true)
      } finally {
        PreviewStore.prototype.grantState = grantState
      }
      // A stream without a grant goes on.
      const plain = await blog.server.app.request('http://localhost/api/events', {
        headers: { authorization: `Bearer ${blog.tokens.drafts}` },
      })
      const sse = sseReader(plain.body!)
      expect((await sse.next())?.event).toBe('ready')
      await blog.galley.update({
        collection: 'posts',
        id: 'changed',
        data: { views: 7 },
        draft: true,
      })
      expect((await sse.next())?.data).toMatchObject({ id: 'changed' })
      await sse.close()
    })

    it('a browser may send the header cross-origin: preflights allow it, refusals carry CORS', async () => {
      const server = createServer({
        galley: blog.galley,
        allowOrigins: ['https://site.example'],
        logger: { error() {}, warn() {} },
      })
      try {
        const preflight = await server.app.request('http://localhost/api/posts', {
          method: 'OPTIONS',
          headers: {
            origin: 'https://site.example',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization, galley-preview-grant',
          },
        })
        expect(preflight.headers.get('access-control-allow-headers')).toMatch(
          /Galley-Preview-Grant/,
        )
        const ended = await server.app.request('http://localhost/api/posts?perspective=drafts', {
          headers: {
            origin: 'https://site.example',
            authorization: `Bearer ${blog.tokens.drafts}`,
            [GRANT]: 'nosuchgrant',
          },
        })
        expect(ended.status).toBe(403)
        expect(ended.headers.get('access-control-allow-origin')).toBe('https://site.example')
      } finally {
        await server.close()
      }
    })

    it('attack: a record stored with raw (or any non-canonical spelling) before the fix never validates', async () => {
      for (const perspective of [
        'raw',
        ' raw',
        'RAW',
        'spring, drafts',
        'spring,drafts,published',
      ]) {
        const secret = generatePreviewSecret()
        await blog.galley.create({
          collection: PREVIEW_SECRETS,
          data: {
            hash: await hashPreviewSecret(secret),
            kind: 'secret',
            perspective,
            expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          },
        })
        const res = await blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          body: { secret },
        })
        expect(res.json, perspective).toMatchObject({ isValid: false, perspective: null })
      }
    })

    it('property: the secret and share routes accept exactly the shared spellings, raw never', async () => {
      await fc.assert(
        fc.asyncProperty(spellingArb, fc.boolean(), async (s, asShare) => {
          if (s.input === null) return // no perspective: the default, drafts
          const res = await blog.req(
            'POST',
            asShare ? '/api/preview/shares' : '/api/preview/secrets',
            {
              token: blog.tokens.write,
              body: asShare ? { name: 'p', perspective: s.input } : { perspective: s.input },
            },
          )
          const want = previewCanonical(s)
          if (want === null) {
            expect(res.status, s.how).toBe(400)
            expect(res.json.error.code, s.how).toBe('INPUT_INVALID')
          } else {
            expect(res.status, s.how).toBe(201)
            expect(res.json.perspective, s.how).toBe(want)
            const valid = await blog.req('POST', '/api/preview/validate', {
              token: blog.tokens.drafts,
              body: { secret: res.json.secret },
            })
            expect(valid.json.perspective, s.how).toBe(want)
          }
        }),
        { numRuns: 60 },
      )
    })
  })
}

// Several server processes on one PostgreSQL: a revocation through another engine reaches
// this server's cache within its grantCacheMs.
const pg = STORES.find((s) => s.name === 'postgres')!
describe.skipIf(pg.skip)('preview grants across engines on one PostgreSQL', () => {
  let galley: Galley
  let other: Galley
  let server: GalleyServer
  let drop: () => Promise<void>
  beforeAll(async () => {
    const made = await pg.make()
    drop = made.drop
    galley = await createGalley(withAuth(blogConfig(made.storage)))
    other = await createGalley(
      withAuth(
        blogConfig(
          postgres({ connectionString: made.env.DATABASE_URL, schema: made.env.GALLEY_PG_SCHEMA }),
        ),
      ),
    )
    server = createServer({ galley, logger: { error() {}, warn() {} } })
  })
  afterAll(async () => {
    await server?.close()
    await galley?.close()
    await other?.close()
    await drop?.()
  })

  it('a link revoked by another server ends the session here within a second', async () => {
    const req = requester(server)
    const token = (await new AuthStore(galley).createToken({ name: 'f', scope: 'read:drafts' }))
      .token
    const { secret, share } = await new PreviewStore(galley).createShare({
      name: 'x',
      createdBy: { id: null, label: 'test' },
    })
    const valid = await req('POST', '/api/preview/validate', { token, body: { secret } })
    const read = () =>
      req('GET', '/api/posts?perspective=drafts', {
        token,
        headers: { [GRANT]: valid.json.grant },
      })
    expect((await read()).status).toBe(200)
    await new PreviewStore(other).revokeShare(share.id)
    const revokedAt = performance.now()
    expect(await until(async () => (await read()).status === 403, 2000)).toBe(true)
    expect(performance.now() - revokedAt).toBeLessThan(1000)
  })

  it('NOTIFY of the revocation drops the grant here before grantCacheMs runs out', async () => {
    const slow = createServer({
      galley,
      logger: { error() {}, warn() {} },
      preview: { grantCacheMs: 1000 },
    })
    try {
      const req = requester(slow)
      const token = (await new AuthStore(galley).createToken({ name: 'g', scope: 'read:drafts' }))
        .token
      const { secret, share } = await new PreviewStore(galley).createShare({
        name: 'y',
        createdBy: { id: null, label: 'test' },
      })
      const valid = await req('POST', '/api/preview/validate', { token, body: { secret } })
      const read = () =>
        req('GET', '/api/posts?perspective=drafts', {
          token,
          headers: { [GRANT]: valid.json.grant },
        })
      await new Promise((r) => setTimeout(r, 200)) // the LISTEN connection is up
      const lookedUp = performance.now()
      expect((await read()).status).toBe(200) // live, now trusted for 1000 ms
      await new PreviewStore(other).revokeShare(share.id)
      await new Promise((r) => setTimeout(r, 250))
      const ended = await read()
      // Still inside the cache's second: only the notification can have ended it.
      expect(performance.now() - lookedUp).toBeLessThan(1000)
      expect(ended.status).toBe(403)
    } finally {
      await slow.close()
    }
  })
})
