import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createServer, type GalleyServer } from '../src/index'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// Repeated GETs are answered from the response cache before Hono routes the request: these
// tests check when that shortcut is taken, and that what it sends is what routing sends.
const sqlite = STORES.find((s) => s.name === 'sqlite')!
const STUDIO = 'https://studio.example'

describe('response cache shortcut (before routing)', () => {
  let blog: Blog
  let server: GalleyServer
  let routed: ReturnType<typeof vi.spyOn>
  beforeAll(async () => {
    blog = await setupBlog(sqlite, {}, {})
    server = createServer({ galley: blog.galley, allowOrigins: [STUDIO] })
    // Hono resolves the path of every request it routes (the router itself swaps its match method on first use).
    routed = vi.spyOn(server.app, 'getPath')
  })
  afterAll(async () => {
    await server?.close()
    await blog?.close()
  })

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await server.app.request(path, { headers })
    return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() }
  }
  const routedBy = async (path: string, headers: Record<string, string> = {}) => {
    const before = routed.mock.calls.length
    const res = await get(path, headers)
    return { ...res, routed: routed.mock.calls.length > before }
  }

  it('answers a repeated anonymous or token read without routing, exactly as routing did', async () => {
    const callers: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${blog.tokens.drafts}` },
      { origin: STUDIO },
      { origin: 'https://elsewhere.example' },
    ]
    for (const headers of callers) {
      const path =
        'authorization' in headers ? '/api/posts/changed?draft=true' : '/api/posts/changed'
      const first = await routedBy(path, headers)
      const second = await routedBy(path, headers)
      expect(first.routed).toBe(true)
      expect(second.routed).toBe(false)
      expect(second).toEqual({ ...first, routed: false })
      // a 304 for a matching If-None-Match, from the shortcut too
      if (first.headers.etag) {
        const again = await routedBy(path, { ...headers, 'if-none-match': first.headers.etag })
        expect(again.status).toBe(304)
        expect(again.routed).toBe(false)
        expect(again.headers['access-control-allow-origin']).toBe(
          first.headers['access-control-allow-origin'],
        )
      }
    }
  })

  it('never serves one caller what another was sent', async () => {
    const drafts = await get('/api/posts/changed?draft=true', {
      authorization: `Bearer ${blog.tokens.drafts}`,
    })
    expect(drafts.text).toContain(SECRET)
    const others: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${blog.tokens.published}` },
      { authorization: `Bearer ${blog.tokens.drafts}x` },
    ]
    for (const headers of others) {
      const res = await get('/api/posts/changed?draft=true', headers)
      expect(res.text).not.toContain(SECRET)
      expect(res.status).toBeGreaterThanOrEqual(400)
    }
    // a listed origin's CORS answer is never sent to another origin, and vice versa
    const studio = await get('/api/posts/pub', { origin: STUDIO })
    const other = await get('/api/posts/pub', { origin: 'https://evil.example' })
    expect(studio.headers['access-control-allow-origin']).toBe(STUDIO)
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    expect(
      (await get('/api/posts/pub', { origin: 'https://evil.example' })).headers[
        'access-control-allow-origin'
      ],
    ).toBeUndefined()
  })

  it('takes the full path for sessions, query tokens, other methods and after any commit', async () => {
    const { cookie } = await blog.login('editor@example.com')
    await get('/api/posts/pub', { cookie })
    expect((await routedBy('/api/posts/pub', { cookie })).routed).toBe(true)
    await get('/api/posts/pub')
    const queryToken = await routedBy(`/api/posts/pub?token=${blog.tokens.drafts}`)
    expect(queryToken.routed).toBe(true)
    expect(queryToken.status).toBe(400)
    expect((await routedBy('/api/posts/pub')).routed).toBe(false)
    await blog.galley.update({
      collection: 'posts',
      id: 'pub',
      data: { title: 'Published Post, again' },
    })
    const after = await routedBy('/api/posts/pub')
    expect(after.routed).toBe(true)
    expect(JSON.parse(after.text).title).toBe('Published Post, again')
  })

  it('answers with a promise, like routing', async () => {
    await get('/api/posts/pub')
    const res = server.app.request('/api/posts/pub')
    expect(res).toBeInstanceOf(Promise)
    expect((await res).status).toBe(200)
  })

  it('a revoked token is refused on the next request', async () => {
    const { token } = await blog.store.createToken({ name: 'short-lived', scope: 'read:drafts' })
    const headers = { authorization: `Bearer ${token}` }
    expect((await get('/api/posts/changed?draft=true', headers)).status).toBe(200)
    expect((await routedBy('/api/posts/changed?draft=true', headers)).routed).toBe(false)
    await blog.store.revokeToken('short-lived')
    const res = await get('/api/posts/changed?draft=true', headers)
    expect(res.status).toBe(401)
    expect(res.text).not.toContain(SECRET)
  })
})
