import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// A frontend that redirects every page to an internal address (the database's port).
let frontend: Server
let site = ''
let hits: string[] = []
beforeAll(async () => {
  frontend = createHttpServer((req, res) => {
    hits.push(req.url!)
    res.writeHead(302, { location: 'http://127.0.0.1:5432/' }).end()
  })
  await new Promise<void>((done) => frontend.listen(0, '127.0.0.1', done))
  site = `http://127.0.0.1:${(frontend.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => frontend.close(() => done())))

describe('POST /api/presentation/probe is no open fetcher', () => {
  let blog: Blog
  const fetched: string[] = []
  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!, {
      jobs: false,
      preview: { url: `${site}/api/draft` },
      presentation: { url: site },
      fetch: (input, init) => {
        fetched.push(String(input instanceof Request ? input.url : input))
        return fetch(input, init)
      },
    })
  })
  afterAll(async () => {
    await blog?.close()
  })

  it('asks only the configured frontend, whatever the pathname, and follows no redirect', async () => {
    const viewer = await blog.login('viewer@example.com')
    const paths = [
      '/a',
      '//127.0.0.1:5432/',
      '/\\127.0.0.1:5432',
      '/\t/127.0.0.1:5432',
      '/%2F%2F127.0.0.1:5432',
      '/..%2F..%2F',
      '/@127.0.0.1:5432',
      'http://127.0.0.1:5432/',
      'file:///etc/passwd',
      '/\u3002/x',
      '/\u0000',
      ' /x',
    ]
    for (const pathname of paths) {
      const res = await blog.req('POST', '/api/presentation/probe', {
        ...viewer,
        body: { pathname, secret: 'x' },
      })
      expect(res.status, JSON.stringify(pathname)).toBeLessThan(500)
    }
    for (const url of fetched) expect(new URL(url).origin, url).toBe(site)
    // The redirect to the database port was reported, not followed.
    expect(hits.length).toBe(fetched.length)
    const shown = await blog.req('POST', '/api/presentation/probe', {
      ...viewer,
      body: { pathname: '/a' },
    })
    expect(shown.json.page).toMatchObject({ status: 302, location: 'http://127.0.0.1:5432/' })
    // Anonymous callers and a session without its CSRF token make it fetch nothing.
    const before = fetched.length
    expect(
      (await blog.req('POST', '/api/presentation/probe', { body: { pathname: '/a' } })).status,
    ).toBe(401)
    expect(
      (
        await blog.req('POST', '/api/presentation/probe', {
          cookie: viewer.cookie,
          body: { pathname: '/a' },
        })
      ).status,
    ).toBe(403)
    expect(fetched.length).toBe(before)
  })
})
