import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Galley } from '@galley/core'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// The response cache is a middleware in the one request pipeline: whatever wraps the server's
// app (a parent app's middleware and error handler, a mount under a prefix) sees and keeps
// applying to reads answered from the cache.
const sqlite = STORES.find((s) => s.name === 'sqlite')!
const STUDIO = 'https://studio.example'

/** Calls of the engine's reads from here on: a response served from the cache makes none. */
function engineReads(galley: Galley) {
  const calls = [
    vi.spyOn(galley, 'find'),
    vi.spyOn(galley, 'findById'),
    vi.spyOn(galley, 'findGlobal'),
  ]
  return () => calls.reduce((n, s) => n + s.mock.calls.length, 0)
}

describe('response cache in the request pipeline', () => {
  let blog: Blog
  beforeAll(async () => {
    blog = await setupBlog(sqlite, { allowOrigins: [STUDIO] })
  })
  afterAll(async () => {
    await blog?.close()
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  /** A parent app as a user writes it: its own middleware and error handler, Galley mounted. */
  function parentApp(prefix: string) {
    const seen: string[] = []
    let maintenance = false
    const parent = new Hono()
    parent.use('*', async (c, next) => {
      seen.push(c.req.path)
      if (maintenance) throw new HTTPException(503, { message: 'maintenance' })
      await next()
      c.header('X-Parent', 'seen')
    })
    parent.onError((err, c) =>
      c.json({ parentError: err.message }, err instanceof HTTPException ? err.status : 500),
    )
    parent.route(prefix, blog.server.app)
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await parent.request(`http://localhost${path}`, { headers })
      return { status: res.status, headers: res.headers, text: await res.text() }
    }
    return { get, seen, setMaintenance: (on: boolean) => (maintenance = on) }
  }

  for (const prefix of ['/', '/cms']) {
    const base = prefix === '/' ? '' : prefix
    it(`a parent app mounting server.app at ${prefix} keeps the cache, and its middleware sees every read`, async () => {
      const { get, seen } = parentApp(prefix)
      const callers: Array<[string, Record<string, string>]> = [
        [`${base}/api/posts/pub`, {}],
        [`${base}/api/posts/pub`, { origin: STUDIO }],
        [`${base}/api/posts/changed?draft=true`, { authorization: `Bearer ${blog.tokens.drafts}` }],
      ]
      for (const [path, headers] of callers) {
        const first = await get(path, headers)
        expect(first.status, path).toBe(200)
        const reads = engineReads(blog.galley)
        const second = await get(path, headers)
        expect(reads(), `${path} ${JSON.stringify(headers)}`).toBe(0)
        expect(second.text).toBe(first.text)
        expect(second.headers.get('x-parent')).toBe('seen')
        expect(second.headers.get('access-control-allow-origin')).toBe(
          first.headers.get('access-control-allow-origin'),
        )
        vi.restoreAllMocks()
      }
      expect(seen.filter((p) => p === `${base}/api/posts/pub`)).toHaveLength(4)
      // A caller who may not read drafts never gets the token's cached entry through the parent.
      const anonymous = await get(`${base}/api/posts/changed?draft=true`)
      expect(anonymous.status).toBe(401)
      expect(anonymous.text).not.toContain(SECRET)
    })
  }

  it("a parent's middleware can refuse a read the cache holds, and its onError answers", async () => {
    const { get, setMaintenance } = parentApp('/')
    expect((await get('/api/posts/pub2')).status).toBe(200)
    expect((await get('/api/posts/pub2')).status).toBe(200)
    setMaintenance(true)
    const refused = await get('/api/posts/pub2')
    expect(refused.status).toBe(503)
    expect(JSON.parse(refused.text)).toEqual({ parentError: 'maintenance' })
  })

  it('a cached read still meets the server’s own error handling for what follows it', async () => {
    // The same URL with a token in the query is refused (400) every time, cached neighbours or not.
    await blog.req('GET', '/api/posts/pub')
    for (let i = 0; i < 2; i++) {
      const res = await blog.req('GET', `/api/posts/pub?token=${blog.tokens.drafts}`)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBeTruthy()
    }
    // A malformed Authorization header is a 401 JSON error, never a cached anonymous answer.
    const bad = await blog.req('GET', '/api/posts/pub', { headers: { authorization: 'Basic x' } })
    expect(bad.status).toBe(401)
    expect(bad.json.error.code).toBe('UNAUTHORIZED')
  })

  it('a request that only carries unrelated cookies is served the anonymous entry', async () => {
    const first = await blog.req('GET', '/api/posts/pub')
    const reads = engineReads(blog.galley)
    const again = await blog.req('GET', '/api/posts/pub', { cookie: 'theme=dark; _ga=1.2.3' })
    expect(reads()).toBe(0)
    expect(again.text).toBe(first.text)
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'))
  })
})
