import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createGalley, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { AuthStore, withAuth } from '../src/index'
import { SECRET, blogConfig, setupBlog, type Blog } from './helpers/blog'
import { STORES, type TestStore } from './helpers/stores'

const STUDIO = 'https://studio.example.com'

/** Calls of the engine's reads from here on: a response served from the cache makes none. */
function engineReads(galley: Galley) {
  const calls = [
    vi.spyOn(galley, 'find'),
    vi.spyOn(galley, 'findById'),
    vi.spyOn(galley, 'findGlobal'),
  ]
  return () => calls.reduce((n, s) => n + s.mock.calls.length, 0)
}

for (const store of STORES) {
  const caches = store.name === 'sqlite'
  describe.skipIf(store.skip)(`response cache (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { allowOrigins: [STUDIO] })
    })
    afterAll(async () => {
      await blog?.close()
    })
    afterEach(() => {
      vi.restoreAllMocks()
    })

    it(`${caches ? 'answers repeated reads without the engine' : 'never caches: PostgreSQL has no data version'}`, async () => {
      expect(blog.galley.dataVersion() === undefined).toBe(!caches)
      for (const path of [
        '/api/posts?where[slug][equals]=published-post',
        '/api/posts/pub?depth=1',
        '/api/globals/settings',
      ]) {
        const first = await blog.req('GET', path)
        const reads = engineReads(blog.galley)
        const again = await blog.req('GET', path)
        expect(reads() === 0, path).toBe(caches)
        expect(again.status).toBe(200)
        expect(again.text).toBe(first.text)
        for (const h of ['etag', 'cache-control', 'cache-tag', 'content-type', 'vary'])
          expect(again.headers.get(h), `${path} ${h}`).toBe(first.headers.get(h))
        vi.restoreAllMocks()
      }
      // A token's caller is cached the same way: the second request reads nothing at all.
      await blog.req('GET', '/api/posts?draft=true', { token: blog.tokens.drafts })
      const reads = engineReads(blog.galley)
      await blog.req('GET', '/api/posts?draft=true', { token: blog.tokens.drafts })
      expect(reads() === 0).toBe(caches)
    })

    it('a drafts response cached for a read:drafts token is never served to anyone else', async () => {
      const paths = [
        '/api/posts?draft=true',
        '/api/posts/changed?draft=true',
        '/api/globals/settings?draft=true',
      ]
      for (const path of paths) {
        for (let i = 0; i < 2; i++) {
          const res = await blog.req('GET', path, { token: blog.tokens.drafts })
          expect(res.status, path).toBe(200)
          expect(res.text, path).toContain(SECRET)
          expect(res.headers.get('cache-control')).toBe('private, no-store')
        }
        // The same URL, byte for byte, from callers who may not read drafts.
        for (const token of [undefined, blog.tokens.published]) {
          const res = await blog.req('GET', path, { token })
          expect([401, 403], `${path} ${token ? 'read:published' : 'anonymous'}`).toContain(
            res.status,
          )
          expect(res.text).not.toContain(SECRET)
        }
        // Stale or made-up credentials do not fall back to the cached entry either.
        const forged = await blog.req('GET', path, { token: `gly_${'A'.repeat(43)}` })
        expect(forged.status).toBe(401)
        const cookie = await blog.req('GET', path, { cookie: `galley_session=${'A'.repeat(43)}` })
        expect([401, 403]).toContain(cookie.status)
        expect(cookie.text).not.toContain(SECRET)
      }
      // Without the draft flag, the published content: the drafts entry is another URL.
      const published = await blog.req('GET', '/api/posts/changed')
      expect(published.text).not.toContain(SECRET)
      expect(published.json.title).toBe('Changed Public')
    })

    it('a read:published token and anonymous callers get their own entries, each public', async () => {
      const a = await blog.req('GET', '/api/posts')
      const reads = engineReads(blog.galley)
      const t = await blog.req('GET', '/api/posts', { token: blog.tokens.published })
      expect(reads() > 0).toBe(true) // another caller: not the anonymous entry
      expect(t.text).toBe(a.text)
      expect(t.headers.get('etag')).toBe(a.headers.get('etag'))
    })

    it('different signed-in users never share an entry', async () => {
      const viewer = await blog.login('viewer@example.com')
      const editor = await blog.login('editor@example.com')
      const path = '/api/posts?draft=true&where[slug][equals]=draft-only'
      await blog.req('GET', path, { cookie: viewer.cookie })
      const reads = engineReads(blog.galley)
      const mine = await blog.req('GET', path, { cookie: viewer.cookie })
      const cachedReads = reads()
      const theirs = await blog.req('GET', path, { cookie: editor.cookie })
      expect(cachedReads === 0).toBe(caches)
      expect(reads() > cachedReads).toBe(true)
      expect(mine.json.docs[0].title).toContain(SECRET)
      expect(theirs.json.docs[0].title).toContain(SECRET)
      // After logout the cookie is nobody's: the signed-in entry is not served.
      await blog.req('POST', '/api/auth/logout', { cookie: viewer.cookie, csrf: viewer.csrf })
      const after = await blog.req('GET', path, { cookie: viewer.cookie })
      expect([401, 403]).toContain(after.status)
      expect(after.text).not.toContain(SECRET)
    })

    it('a publish or unpublish shows on the very next request, through the API or the engine', async () => {
      const list = async () =>
        (await blog.req('GET', '/api/posts?where[slug][equals]=draft-only')).json.totalDocs
      const byId = () => blog.req('GET', '/api/posts/draft')
      expect(await list()).toBe(0)
      expect(await list()).toBe(0)
      expect((await byId()).status).toBe(404)
      const w = blog.tokens.write
      expect((await blog.req('POST', '/api/posts/draft/publish', { token: w })).status).toBe(200)
      expect(await list()).toBe(1)
      const published = await byId()
      expect(published.status).toBe(200)
      expect((await byId()).text).toBe(published.text)
      expect((await blog.req('POST', '/api/posts/draft/unpublish', { token: w })).status).toBe(200)
      expect(await list()).toBe(0)
      expect((await byId()).status).toBe(404)
      // Straight through the engine, no HTTP write involved.
      await blog.galley.publish({ collection: 'posts', id: 'draft' })
      expect(await list()).toBe(1)
      await blog.galley.unpublish({ collection: 'posts', id: 'draft' })
      expect(await list()).toBe(0)
      expect((await byId()).text).not.toContain(SECRET)
    })

    it('ETag and 304 are answered from the cached entry, and follow changes', async () => {
      const path = '/api/posts/pub2'
      const first = await blog.req('GET', path)
      const etag = first.headers.get('etag')!
      const reads = engineReads(blog.galley)
      const hit = await blog.req('GET', path, { headers: { 'If-None-Match': etag } })
      expect(hit.status).toBe(304)
      expect(hit.text).toBe('')
      expect(hit.headers.get('etag')).toBe(etag)
      expect(hit.headers.get('cache-tag')).toBe('posts:pub2')
      expect(hit.headers.get('cache-control')).toBe(first.headers.get('cache-control'))
      const miss = await blog.req('GET', path, { headers: { 'If-None-Match': '"other"' } })
      expect(miss.status).toBe(200)
      expect(miss.text).toBe(first.text)
      expect(reads() === 0).toBe(caches)
      await blog.galley.update({ collection: 'posts', id: 'pub2', data: { views: 31 } })
      const changed = await blog.req('GET', path, { headers: { 'If-None-Match': etag } })
      expect(changed.status).toBe(200)
      expect(changed.json.views).toBe(31)
      expect(changed.headers.get('etag')).not.toBe(etag)
      // Private responses have no ETag, cached or not: If-None-Match: * never makes a 304.
      for (let i = 0; i < 2; i++) {
        const r = await blog.req('GET', '/api/posts/pub2?draft=true', {
          token: blog.tokens.drafts,
          headers: { 'If-None-Match': '*' },
        })
        expect(r.status).toBe(200)
      }
    })

    it('CORS headers follow each request’s Origin, whatever was cached', async () => {
      const path = '/api/posts?where[slug][equals]=second'
      const send = (origin?: string) =>
        blog.req('GET', path, { headers: origin ? { Origin: origin } : {} })
      for (const round of [1, 2]) {
        const studio = await send(STUDIO)
        expect(studio.headers.get('access-control-allow-origin'), `${round}`).toBe(STUDIO)
        expect(studio.headers.get('access-control-allow-credentials')).toBe('true')
        expect(studio.headers.get('vary')).toContain('Origin')
        const evil = await send('https://evil.example')
        expect(evil.headers.get('access-control-allow-origin')).toBeNull()
        expect(evil.headers.get('access-control-allow-credentials')).toBeNull()
        const none = await send()
        expect(none.headers.get('access-control-allow-origin')).toBeNull()
        expect(none.headers.get('vary')).toContain('Origin')
        expect(studio.text).toBe(none.text)
      }
    })

    it('a revoked token gets 401 on the next request, though its responses were cached', async () => {
      const { token } = await blog.store.createToken({ name: 'short-lived', scope: 'read:drafts' })
      for (let i = 0; i < 2; i++)
        expect((await blog.req('GET', '/api/posts/changed?draft=true', { token })).status).toBe(200)
      expect(await blog.store.revokeToken('short-lived')).not.toBeNull()
      const res = await blog.req('GET', '/api/posts/changed?draft=true', { token })
      expect(res.status).toBe(401)
      expect(res.text).not.toContain(SECRET)
    })

    it('a cached session is not used past its expiry', async () => {
      const { cookie } = await blog.login('viewer@example.com')
      for (let i = 0; i < 2; i++)
        expect((await blog.req('GET', '/api/auth/me', { cookie })).status).toBe(200)
      const later = Date.now() + 8 * 24 * 3600 * 1000
      vi.spyOn(Date, 'now').mockReturnValue(later)
      expect((await blog.req('GET', '/api/auth/me', { cookie })).status).toBe(401)
      const res = await blog.req('GET', '/api/posts/changed?draft=true', { cookie })
      expect([401, 403]).toContain(res.status)
      expect(res.text).not.toContain(SECRET)
    })
  })

  describe.skipIf(store.skip)(`responseCache: false (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { responseCache: false })
    })
    afterAll(async () => {
      await blog?.close()
      vi.restoreAllMocks()
    })

    it('reads the engine on every request, for responses and for callers', async () => {
      for (const token of [undefined, blog.tokens.drafts]) {
        await blog.req('GET', '/api/posts/pub', { token })
        const reads = engineReads(blog.galley)
        const again = await blog.req('GET', '/api/posts/pub', { token })
        expect(again.status).toBe(200)
        expect(reads()).toBe(token ? 2 : 1) // the token's record, then the document
        vi.restoreAllMocks()
      }
    })
  })
}

/** A blog on a SQLite file, so that other engines and processes can write to it. */
function fileStore(dir: string): TestStore {
  return {
    name: 'sqlite',
    async make() {
      return { storage: sqlite({ file: join(dir, 'data.db') }), drop: async () => {}, env: {} }
    },
  }
}

describe('response cache: writes by another engine or process on the same SQLite file', () => {
  let dir: string
  let blog: Blog
  let other: Galley
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'galley-cache-'))
    blog = await setupBlog(fileStore(dir))
    other = await createGalley(withAuth(blogConfig(sqlite({ file: join(dir, 'data.db') }))))
  })
  afterAll(async () => {
    await other?.close()
    await blog?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const count = async () =>
    (await blog.req('GET', '/api/posts?where[slug][equals]=draft-only')).json.totalDocs

  it('a publish and an unpublish by a second engine show on the next request', async () => {
    expect(await count()).toBe(0)
    expect(await count()).toBe(0)
    await other.publish({ collection: 'posts', id: 'draft' })
    expect(await count()).toBe(1)
    expect(await count()).toBe(1)
    await other.unpublish({ collection: 'posts', id: 'draft' })
    expect(await count()).toBe(0)
  })

  it('a token revoked by a second engine gets 401 on the next request', async () => {
    const { token } = await blog.store.createToken({ name: 'engine-two', scope: 'read:drafts' })
    for (let i = 0; i < 2; i++)
      expect((await blog.req('GET', '/api/posts?draft=true', { token })).status).toBe(200)
    expect(await new AuthStore(other).revokeToken('engine-two')).not.toBeNull()
    expect((await blog.req('GET', '/api/posts?draft=true', { token })).status).toBe(401)
  })

  const run = promisify(execFile)
  const script = join(import.meta.dirname, 'helpers', 'second-process.ts')
  const inOtherProcess = async (action: string, arg: string) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', script, join(dir, 'data.db'), action, arg],
      {
        cwd: process.cwd(),
        timeout: 30_000,
      },
    )
    expect(stdout.trim()).toBe('done')
  }

  it('a revocation and a publish by another process hold from the next request on', async () => {
    const { token } = await blog.store.createToken({ name: 'process-two', scope: 'read:drafts' })
    for (let i = 0; i < 2; i++) {
      expect((await blog.req('GET', '/api/posts/draft?draft=true', { token })).status).toBe(200)
      expect(await count()).toBe(0)
    }
    await inOtherProcess('revoke', 'process-two')
    const res = await blog.req('GET', '/api/posts/draft?draft=true', { token })
    expect(res.status).toBe(401)
    expect(res.text).not.toContain(SECRET)
    await inOtherProcess('publish', 'draft')
    expect(await count()).toBe(1)
    await inOtherProcess('unpublish', 'draft')
    expect(await count()).toBe(0)
  }, 60_000)
})
