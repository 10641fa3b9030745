import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const STUDIO = 'https://studio.example.com'

for (const store of STORES) {
  describe.skipIf(store.skip)(`CORS (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { allowOrigins: [STUDIO] })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('a listed origin is echoed with credentials, and Vary: Origin', async () => {
      const res = await blog.req('GET', '/api/posts', { headers: { origin: STUDIO } })
      expect(res.headers.get('access-control-allow-origin')).toBe(STUDIO)
      expect(res.headers.get('access-control-allow-credentials')).toBe('true')
      expect(res.headers.get('access-control-expose-headers')).toContain('ETag')
      expect(res.headers.get('vary')).toContain('Origin')
    })

    it('other origins get no CORS headers', async () => {
      const res = await blog.req('GET', '/api/posts', {
        headers: { origin: 'https://evil.example' },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    })

    it('preflight: allowed methods and headers for a listed origin, nothing for others', async () => {
      const pre = await blog.req('OPTIONS', '/api/posts/pub', {
        headers: {
          origin: STUDIO,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'content-type, x-csrf-token',
        },
      })
      expect(pre.status).toBe(204)
      expect(pre.headers.get('access-control-allow-origin')).toBe(STUDIO)
      expect(pre.headers.get('access-control-allow-methods')).toContain('PATCH')
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-CSRF-Token/)
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
      const evil = await blog.req('OPTIONS', '/api/posts/pub', {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' },
      })
      expect(evil.headers.get('access-control-allow-origin')).toBeNull()
      expect(evil.headers.get('access-control-allow-methods')).toBeNull()
    })

    it('errors carry CORS headers too, so the browser can read them', async () => {
      const res = await blog.req('GET', '/api/posts?draft=true', { headers: { origin: STUDIO } })
      expect(res.status).toBe(401)
      expect(res.headers.get('access-control-allow-origin')).toBe(STUDIO)
    })
  })
}

describe.skipIf(STORES[0]!.skip)('CORS wildcard', () => {
  it("'*' allows any origin but never together with credentials", async () => {
    const blog = await setupBlog(STORES[0]!, { allowOrigins: ['*', STUDIO] })
    try {
      const any = await blog.req('GET', '/api/posts', {
        headers: { origin: 'https://site.example' },
      })
      expect(any.headers.get('access-control-allow-origin')).toBe('*')
      expect(any.headers.get('access-control-allow-credentials')).toBeNull()
      const listed = await blog.req('GET', '/api/posts', { headers: { origin: STUDIO } })
      expect(listed.headers.get('access-control-allow-origin')).toBe(STUDIO)
      expect(listed.headers.get('access-control-allow-credentials')).toBe('true')
    } finally {
      await blog.close()
    }
  })

  it('a malformed origin in allowOrigins is a start-up error', async () => {
    await expect(
      setupBlog(STORES[0]!, { allowOrigins: ['https://studio.example.com/'] }),
    ).rejects.toThrow(/must be an origin/)
  })
})
