import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeValidationClient, inSeconds, KEY_A } from '../../test/fake-validation-client'
import { createExpressDraftModeHandlers } from './express'

// A plain node:http server is enough: the adapter uses only members Express shares with it.
let server: Server
let base: string
const handlers = createExpressDraftModeHandlers({
  client: fakeValidationClient({
    s: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(600) },
  }),
  cookieSecret: KEY_A,
})

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/api/draft-mode/enable') return void handlers.enable(req, res)
    if (path === '/api/draft-mode/disable') return void handlers.disable(req, res)
    void handlers.getDraftMode(req).then((state) => {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(state))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('createExpressDraftModeHandlers', () => {
  it('enables over real HTTP and reads the cookie back', async () => {
    const res = await fetch(
      `${base}/api/draft-mode/enable?galley-preview-secret=s&galley-preview-pathname=/blog/x`,
      {
        redirect: 'manual',
        headers: { 'Sec-Fetch-Dest': 'iframe' },
      },
    )
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('/blog/x')
    const [setCookie] = res.headers.getSetCookie()
    expect(setCookie).toMatch(/HttpOnly; Secure; SameSite=None; .*; Partitioned$/)

    const page = await fetch(`${base}/blog/x`, { headers: { cookie: setCookie.split(';')[0] } })
    expect(await page.json()).toMatchObject({ isEnabled: true, perspective: 'drafts' })
    const anonymous = await fetch(`${base}/blog/x`, {
      headers: { cookie: '__galley_draft=drafts' },
    })
    expect(await anonymous.json()).toMatchObject({ isEnabled: false })
  })

  it('answers 401 for a bad secret and 405 for a GET disable', async () => {
    const bad = await fetch(`${base}/api/draft-mode/enable?galley-preview-secret=nope`, {
      redirect: 'manual',
    })
    expect(bad.status).toBe(401)
    expect(bad.headers.getSetCookie()).toEqual([])
    const get = await fetch(`${base}/api/draft-mode/disable`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('writes both clearing cookies on POST disable', async () => {
    const res = await fetch(`${base}/api/draft-mode/disable`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toHaveLength(2)
  })

  it('uses req.protocol and originalUrl when Express provides them', async () => {
    const { toWebRequest } = await import('./express')
    const request = toWebRequest({
      method: 'GET',
      protocol: 'https',
      originalUrl: '/api/draft-mode/enable?a=1',
      url: '/enable?a=1',
      headers: { host: 'site.test', cookie: ['a=1', 'b=2'] },
    })
    expect(request.url).toBe('https://site.test/api/draft-mode/enable?a=1')
    expect(request.headers.get('cookie')).toBe('a=1; b=2')
  })

  it('passes errors to next()', async () => {
    const broken = createExpressDraftModeHandlers({
      client: {
        validatePreviewSecret: async () => ({ isValid: true, expiresAt: inSeconds(60) }),
      },
      cookieSecret: KEY_A,
      resolvePath: () => {
        throw new Error('lookup failed')
      },
    })
    let passed: unknown
    await broken.enable(
      { method: 'GET', url: '/e?galley-preview-secret=s', headers: { host: 'site.test' } },
      { statusCode: 200, setHeader: () => undefined, end: () => undefined },
      (error) => (passed = error),
    )
    expect((passed as Error).message).toBe('lookup failed')
  })
})
