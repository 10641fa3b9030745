// End to end: a real @galley/client (test-only import; the package itself never imports it)
// against a node:http stand-in for the Galley server's validate route, with a frontend served
// through the Express adapter on another node:http server.
import { createClient } from '@galley/client'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createExpressDraftModeHandlers } from '../src/adapters/express'
import { buildPreviewUrl, generatePreviewSecret, hashPreviewSecret } from '../src/index'
import { KEY_A } from './fake-validation-client'

const FRONTEND_TOKEN = 'frontend-read-token'
const secrets = new Map<string, { perspective: string; expiresAt: number; used: boolean }>()
let galley: Server
let frontend: Server
let galleyUrl = ''
let siteUrl = ''

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  galley = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', async () => {
      res.setHeader('Content-Type', 'application/json')
      if (req.url !== '/api/preview/validate' || req.method !== 'POST') {
        res.statusCode = 404
        return res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }))
      }
      if (req.headers.authorization !== `Bearer ${FRONTEND_TOKEN}`) {
        res.statusCode = 401
        return res.end(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'bad token' } }))
      }
      const stored = secrets.get(await hashPreviewSecret(JSON.parse(body).secret))
      if (!stored || stored.used || stored.expiresAt <= Date.now())
        return res.end(JSON.stringify({ isValid: false }))
      stored.used = true // single-use
      res.end(
        JSON.stringify({
          isValid: true,
          perspective: stored.perspective,
          expiresAt: new Date(stored.expiresAt).toISOString(),
        }),
      )
    })
  })
  galleyUrl = await listen(galley)

  const client = createClient({ url: galleyUrl, token: FRONTEND_TOKEN })
  const draftMode = createExpressDraftModeHandlers({ client, cookieSecret: KEY_A })
  frontend = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/api/draft-mode/enable') return void draftMode.enable(req, res)
    if (path === '/api/draft-mode/disable') return void draftMode.disable(req, res)
    void draftMode.getDraftMode(req).then(async (state) => {
      // What a page does: choose the client from the verified state.
      const pageClient = state.isEnabled
        ? client.withConfig({ perspective: state.perspective })
        : client
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ ...state, perspective: pageClient.config().perspective }))
    })
  })
  siteUrl = await listen(frontend)
})

afterAll(async () => {
  await new Promise((r) => galley.close(r))
  await new Promise((r) => frontend.close(r))
})

async function newSecret(perspective: string, ttlMs = 3600_000) {
  const secret = generatePreviewSecret()
  secrets.set(await hashPreviewSecret(secret), {
    perspective,
    expiresAt: Date.now() + ttlMs,
    used: false,
  })
  return secret
}

describe('preview handshake', () => {
  it('enables with a real secret, previews, and disables', async () => {
    const secret = await newSecret('spring,drafts')
    const enableUrl = buildPreviewUrl({
      enableUrl: `${siteUrl}/api/draft-mode/enable`,
      secret,
      pathname: '/blog/hello?ref=studio',
    })
    const enabled = await fetch(enableUrl, {
      redirect: 'manual',
      headers: { 'Sec-Fetch-Dest': 'iframe' },
    })
    expect(enabled.status).toBe(307)
    expect(enabled.headers.get('location')).toBe('/blog/hello?ref=studio')
    const setCookie = enabled.headers.getSetCookie()[0]
    expect(setCookie).toMatch(/HttpOnly; Secure; SameSite=None/)
    expect(setCookie).toMatch(/Partitioned$/)
    const cookie = setCookie.split(';')[0]

    const page = await (await fetch(`${siteUrl}/blog/hello`, { headers: { cookie } })).json()
    expect(page).toMatchObject({ isEnabled: true, perspective: 'spring,drafts' })

    // Single-use: the same link does not work twice.
    expect((await fetch(enableUrl, { redirect: 'manual' })).status).toBe(401)

    const disabled = await fetch(`${siteUrl}/api/draft-mode/disable`, { method: 'POST' })
    expect(disabled.status).toBe(200)
    expect(disabled.headers.getSetCookie().every((c) => c.includes('Max-Age=0'))).toBe(true)
  })

  it('refuses expired and unknown secrets with 401 and no cookie', async () => {
    const expired = await newSecret('drafts', -1000)
    for (const secret of [expired, 'made-up']) {
      const res = await fetch(`${siteUrl}/api/draft-mode/enable?galley-preview-secret=${secret}`, {
        redirect: 'manual',
      })
      expect(res.status).toBe(401)
      expect(res.headers.getSetCookie()).toEqual([])
      expect(await res.text()).not.toContain(secret)
    }
  })

  it('answers 502 when the frontend token is rejected by the server', async () => {
    const client = createClient({ url: galleyUrl, token: 'wrong-token' })
    const { draftMode } = createExpressDraftModeHandlers({ client, cookieSecret: KEY_A })
    const secret = await newSecret('drafts')
    const res = await draftMode.enable(
      new Request(`${siteUrl}/api/draft-mode/enable?galley-preview-secret=${secret}`),
    )
    expect(res.status).toBe(502)
    expect(await res.text()).not.toContain(secret)
  })
})
