import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode } from '../src/index'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const STUDIO = 'https://studio.example.com'

// Once serveNode runs, @hono/node-server has replaced the global Response with one that
// rebuilds itself from its initial headers when its body is read: headers added to a built
// response were lost for app.request() callers in that process. They are initial headers now.
describe('app.request() in a process that also runs serveNode', () => {
  let blog: Blog
  let close: () => Promise<void>
  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!, { allowOrigins: [STUDIO] })
    ;({ close } = await serveNode(blog.server, { port: 0, hostname: '127.0.0.1' }))
  })
  afterAll(async () => {
    await close?.()
    await blog?.close()
  })
  const origin = { Origin: STUDIO }

  it('keeps CORS headers on reads (cached or not), writes and errors', async () => {
    for (let i = 0; i < 2; i++) {
      for (const path of ['/api/posts', '/api/posts/pub', '/api/globals/settings?draft=true']) {
        const token = path.includes('draft') ? blog.tokens.drafts : undefined
        const res = await blog.req('GET', path, { headers: origin, token })
        expect(res.status, path).toBe(200)
        expect(res.headers.get('access-control-allow-origin'), path).toBe(STUDIO)
        expect(res.headers.get('access-control-allow-credentials'), path).toBe('true')
        expect(res.headers.get('vary'), path).toContain('Origin')
      }
    }
    const etag = (await blog.req('GET', '/api/posts/pub')).headers.get('etag')!
    const notModified = await blog.req('GET', '/api/posts/pub', {
      headers: { ...origin, 'If-None-Match': etag },
    })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('access-control-allow-origin')).toBe(STUDIO)
    const created = await blog.req('POST', '/api/posts?draft=true', {
      headers: origin,
      token: blog.tokens.write,
      body: { title: 'cors' },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('access-control-allow-origin')).toBe(STUDIO)
    expect(created.headers.get('vary')).toBe('Authorization, Cookie, Origin')
    const missing = await blog.req('GET', '/api/posts/nope', { headers: origin })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe(STUDIO)
    const other = await blog.req('GET', '/api/posts', {
      headers: { Origin: 'https://evil.example' },
    })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('keeps both cookies of login and logout', async () => {
    const { res, cookie, csrf } = await blog.login('viewer@example.com', { headers: origin })
    expect(res.status).toBe(200)
    const set = res.headers.getSetCookie()
    expect(set.map((c) => c.split('=')[0])).toEqual(['galley_session', 'galley_csrf'])
    expect(res.headers.get('access-control-allow-origin')).toBe(STUDIO)
    expect((await blog.req('GET', '/api/auth/me', { cookie })).status).toBe(200)
    const out = await blog.req('POST', '/api/auth/logout', { cookie, csrf, headers: origin })
    expect(out.status).toBe(200)
    expect(out.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual([
      'galley_session=',
      'galley_csrf=',
    ])
  })
})
