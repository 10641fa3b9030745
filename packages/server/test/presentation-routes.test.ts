import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'
import { resolvePresentation } from '../src/presentation/presentation-options'

// A frontend whose pages refuse framing on /locked and whose enable route knows no secret.
let frontend: Server
let site = ''
beforeAll(async () => {
  frontend = createHttpServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    if (url.pathname === '/locked') res.setHeader('X-Frame-Options', 'DENY')
    if (url.pathname === '/strict')
      res.setHeader('Content-Security-Policy', "default-src 'self'; frame-ancestors 'self'")
    if (url.pathname === '/api/draft') {
      res.setHeader('Galley-Preview-Error', 'invalid-secret')
      res.writeHead(401).end('Invalid or expired preview secret')
      return
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>')
  })
  await new Promise<void>((done) => frontend.listen(0, '127.0.0.1', done))
  site = `http://127.0.0.1:${(frontend.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => frontend.close(() => done())))

describe('presentation options', () => {
  it('default the enable route and the allowed origin from the frontend URL, and refuse "*"', () => {
    expect(resolvePresentation({ url: 'https://site.example/' }, undefined)).toMatchObject({
      origin: 'https://site.example',
      enableUrl: 'https://site.example/api/draft-mode/enable',
      allowOrigins: ['https://site.example'],
      initialPath: '/',
    })
    expect(() => resolvePresentation({ url: 'x', allowOrigins: [] }, undefined)).toThrow(/http/)
    expect(() =>
      resolvePresentation({ url: 'https://a.example', allowOrigins: ['*'] }, undefined),
    ).toThrow(/may not contain "\*"/)
    expect(() =>
      resolvePresentation({ url: 'https://a.example', locations: [{ path: 'posts' }] }, undefined),
    ).toThrow(/locations\[0\]/)
  })
})

for (const store of STORES.slice(0, 1)) {
  describe.skipIf(store.skip)(`/api/presentation (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, {
        preview: { url: `${site}/api/draft` },
        presentation: {
          url: site,
          locations: [{ collection: 'posts', path: '/posts/:slug' }],
        },
      })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('gives the config to users who may read drafts, and to nobody else', async () => {
      expect((await blog.req('GET', '/api/presentation')).status).toBe(401)
      expect(
        (await blog.req('GET', '/api/presentation', { token: blog.tokens.published })).status,
      ).toBe(403)
      const res = await blog.req('GET', '/api/presentation', { token: blog.tokens.drafts })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({
        url: site,
        enableUrl: `${site}/api/draft`,
        allowOrigins: [site],
        locations: [{ collection: 'posts', path: '/posts/:slug' }],
      })
    })

    it('probes only the configured frontend and reports framing headers and the enable status', async () => {
      const probe = (body: unknown) =>
        blog.req('POST', '/api/presentation/probe', { token: blog.tokens.drafts, body })
      const locked = await probe({ pathname: '/locked', secret: 'abc' })
      expect(locked.status).toBe(200)
      expect(locked.json.page).toMatchObject({ status: 200, xFrameOptions: 'DENY' })
      expect(locked.json.enable).toMatchObject({ status: 401, previewError: 'invalid-secret' })
      const strict = await probe({ pathname: '/strict' })
      expect(strict.json.page.frameAncestors).toBe("frame-ancestors 'self'")
      expect(strict.json.enable).toBeNull()
      for (const pathname of ['//evil.example/x', 'https://evil.example/', '/\\evil', 42])
        expect((await probe({ pathname })).status, String(pathname)).toBe(400)
    })

    it('lets the Studio page frame the frontend, and only it', async () => {
      const res = await blog.server.app.request('http://localhost/admin/presentation')
      const csp = res.headers.get('content-security-policy') ?? ''
      if (res.status === 200) {
        expect(csp).toContain(`frame-src 'self' ${site}`)
        expect(csp).toContain("frame-ancestors 'none'")
      }
    })
  })
}
