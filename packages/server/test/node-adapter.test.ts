import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode } from '../src/index'
import { PASSWORD, SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const STUDIO = 'https://studio.example.com'

interface RawRes {
  status: number
  headers: Map<string, string[]>
  body: string
}

/** One HTTP/1.1 request written byte for byte, so a test can repeat or re-case headers. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: [string, string][],
  body = '',
): Promise<RawRes> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close']
    for (const [k, v] of headers) lines.push(`${k}: ${v}`)
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
    const chunks: Buffer[] = []
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`))
    socket.on('data', (d) => chunks.push(d))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n')
      const map = new Map<string, string[]>()
      for (const l of headerLines) {
        const i = l.indexOf(':')
        const k = l.slice(0, i).toLowerCase()
        map.set(k, [...(map.get(k) ?? []), l.slice(i + 1).trim()])
      }
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers: map,
        body: text.slice(split + 4),
      })
    })
  })
}

const one = (r: RawRes, name: string) => r.headers.get(name)?.join(', ')

// The server suites call app.request(); these run the same rules through serveNode, over a
// real socket, where headers can repeat or change case on the wire.
describe('serveNode: the rules hold over a real socket', () => {
  let blog: Blog
  let port: number
  let close: () => Promise<void>
  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!, { allowOrigins: [STUDIO] })
    ;({ port, close } = await serveNode(blog.server, { port: 0, hostname: '127.0.0.1' }))
  })
  afterAll(async () => {
    await close?.()
    await blog?.close()
  })
  const get = (path: string, headers: [string, string][] = []) =>
    rawRequest(port, 'GET', path, headers)

  it('a where of the JSON form well past 16 KiB of URL is read; headers past 64 KiB get a JSON 431', async () => {
    // An `in` list of 450 ids of 36 characters: about 17,000 characters of JSON, 25 KB once
    // URL-encoded. Node's default header limit (16 KiB) refused it with a bare 431.
    const ids = Array.from({ length: 450 }, (_, i) => `no-such-id-${String(i).padStart(25, '0')}`)
    const where = encodeURIComponent(JSON.stringify({ slug: { in: ids } }))
    expect(where.length).toBeGreaterThan(20_000)
    const long = await get(`/api/posts?where=${where}`)
    expect(long.status).toBe(200)
    expect(JSON.parse(long.body).totalDocs).toBe(0)
    const huge = await get(`/api/posts?where=${'x'.repeat(70 * 1024)}`)
    expect(huge.status).toBe(431)
    expect(one(huge, 'content-type')).toMatch(/application\/json/)
    expect(JSON.parse(huge.body).error.message).toMatch(/larger than 64 KiB.*graphql/)
    // The server still answers afterwards.
    expect((await get('/api/posts')).status).toBe(200)
  })

  it('anonymous published reads are public, tagged, and revalidate with If-None-Match', async () => {
    const res = await get('/api/posts?where[slug][equals]=published-post')
    expect(res.status).toBe(200)
    expect(res.body).not.toContain(SECRET)
    expect(JSON.parse(res.body).docs.map((d: { id: string }) => d.id)).toEqual(['pub'])
    expect(one(res, 'cache-control')).toMatch(/^public/)
    expect(one(res, 'cache-tag')).toContain('posts:pub')
    const etag = one(res, 'etag')!
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/)
    const again = await get('/api/posts?where[slug][equals]=published-post', [
      ['IF-NONE-MATCH', `"x", ${etag}`],
    ])
    expect(again.status).toBe(304)
    expect(again.body).toBe('')
  })

  it('a read:drafts token reads drafts privately; any casing of the header name works', async () => {
    const res = await get('/api/posts?draft=true', [
      ['AUTHORIZATION', `Bearer ${blog.tokens.drafts}`],
    ])
    expect(res.status).toBe(200)
    expect(res.body).toContain(SECRET)
    expect(one(res, 'cache-control')).toBe('private, no-store')
    expect(res.headers.get('etag')).toBeUndefined()
  })

  it('two Authorization headers are refused, not resolved to either token', async () => {
    for (const second of [`Bearer ${blog.tokens.drafts}`, 'Bearer nonsense']) {
      const res = await get('/api/posts?draft=true', [
        ['Authorization', `Bearer ${blog.tokens.drafts}`],
        ['authorization', second],
      ])
      expect(res.status).toBe(401)
      expect(res.body).not.toContain(SECRET)
    }
  })

  it('anonymous and read:published callers get no drafts; a token in the query is refused', async () => {
    expect((await get('/api/posts?draft=true')).status).toBe(401)
    const pub = await get('/api/posts?draft=true', [
      ['authorization', `Bearer ${blog.tokens.published}`],
    ])
    expect(pub.status).toBe(403)
    expect(pub.body).not.toContain(SECRET)
    expect((await get(`/api/posts?token=${blog.tokens.drafts}`)).status).toBe(400)
  })

  it('a revoked token stops working on the next request', async () => {
    const { token } = await blog.store.createToken({ name: 'short-lived', scope: 'read:drafts' })
    const auth: [string, string][] = [['authorization', `Bearer ${token}`]]
    expect((await get('/api/posts?draft=true', auth)).status).toBe(200)
    await blog.store.revokeToken('short-lived')
    expect((await get('/api/posts?draft=true', auth)).status).toBe(401)
  })

  it('cookie sessions: split Cookie headers are read, writes need the CSRF token, foreign origins are refused', async () => {
    const json: [string, string] = ['Content-Type', 'application/json']
    const login = await rawRequest(
      port,
      'POST',
      '/api/auth/login',
      [json],
      JSON.stringify({ email: 'editor@example.com', password: PASSWORD }),
    )
    expect(login.status).toBe(200)
    const csrf = JSON.parse(login.body).csrfToken as string
    // Each cookie in a Cookie header of its own, after an unrelated one.
    const cookies: [string, string][] = [
      ['Cookie', 'theme=dark'],
      ...login.headers
        .get('set-cookie')!
        .map((c): [string, string] => ['cookie', c.split(';')[0]!]),
    ]
    const me = await get('/api/auth/me', cookies)
    expect(me.status).toBe(200)
    expect(JSON.parse(me.body).user.email).toBe('editor@example.com')
    const body = JSON.stringify({ title: 'over the socket' })
    expect(
      (await rawRequest(port, 'POST', '/api/posts?draft=true', [...cookies, json], body)).status,
    ).toBe(403)
    expect(
      (
        await rawRequest(
          port,
          'POST',
          '/api/posts?draft=true',
          [...cookies, json, ['X-CSRF-Token', csrf], ['Origin', 'https://evil.example']],
          body,
        )
      ).status,
    ).toBe(403)
    const ok = await rawRequest(
      port,
      'POST',
      '/api/posts?draft=true',
      [...cookies, json, ['x-csrf-token', csrf]],
      body,
    )
    expect(ok.status).toBe(201)
  })

  it('CORS: a listed origin is echoed with credentials, others get nothing, and both vary on Origin', async () => {
    const listed = await get('/api/posts', [['Origin', STUDIO]])
    expect(one(listed, 'access-control-allow-origin')).toBe(STUDIO)
    expect(one(listed, 'access-control-allow-credentials')).toBe('true')
    expect(one(listed, 'vary')).toMatch(/Origin/)
    const other = await get('/api/posts', [['Origin', 'https://evil.example']])
    expect(other.headers.get('access-control-allow-origin')).toBeUndefined()
    expect(one(other, 'vary')).toMatch(/Origin/)
    const preflight = await rawRequest(port, 'OPTIONS', '/api/posts', [
      ['Origin', STUDIO],
      ['Access-Control-Request-Method', 'PATCH'],
    ])
    expect(preflight.status).toBe(204)
    expect(one(preflight, 'access-control-allow-methods')).toContain('PATCH')
  })
})
