// Live events over real sockets: a plain EventSource in Chromium (cross-origin, resuming by
// itself with Last-Event-ID after the API server restarts), and @galley/client's
// subscribeToChanges with a read:drafts token (test-only import of the client).
import { serve, type ServerType } from '@hono/node-server'
import { proxyChangeStream, subscribeToChanges, type GalleyChange } from '@galley/client'
import { createGalley, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthStore, createServer, serveNode, withAuth } from '../src/index'
import { blogConfig } from './helpers/blog'
import { sseReader } from './helpers/sse'

const CHROMIUM = process.env.GALLEY_CHROMIUM ?? '/usr/bin/chromium'
const missing = !existsSync(CHROMIUM)
if (missing && process.env.CI)
  throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: apt-get install chromium.`)

describe('live events over HTTP', () => {
  let galley: Galley
  let api: { url: string; port: number; close(): Promise<void> }
  let page: { url: string; server: ServerType }
  let browser: Browser | undefined
  let draftsToken: string

  const serveApi = (port = 0) =>
    serveNode(
      createServer({
        galley,
        allowOrigins: page ? [page.url] : [],
        logger: { error() {}, warn() {} },
      }),
      { port, hostname: '127.0.0.1' },
    )

  beforeAll(async () => {
    galley = await createGalley(withAuth(blogConfig(sqlite({ file: ':memory:' }))))
    draftsToken = (await new AuthStore(galley).createToken({ name: 'p', scope: 'read:drafts' }))
      .token
    await galley.create({ collection: 'posts', id: 'a', data: { title: 'A' } })
    // A page on another origin that listens with nothing but a plain EventSource.
    page = await new Promise((resolve) => {
      const server = serve(
        {
          port: 0,
          hostname: '127.0.0.1',
          fetch: (r) =>
            new Response(
              `<!doctype html><title>events</title><script>
                window.got = []; window.ready = false
                const es = new EventSource(${JSON.stringify(`http://127.0.0.1:${new URL(r.url).searchParams.get('api')}/api/events`)})
                es.addEventListener('ready', () => { window.ready = true })
                es.onmessage = (e) => window.got.push({ id: e.lastEventId, data: JSON.parse(e.data) })
              </script>`,
              { headers: { 'content-type': 'text/html' } },
            ),
        },
        (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }),
      )
    })
    api = await serveApi()
    if (!missing)
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await api?.close()
    await new Promise<void>((done) => page?.server.close(() => done()))
    await galley?.close()
  })

  it.skipIf(missing)(
    'a plain EventSource hears a publish, and resumes after a restart without a gap',
    async () => {
      const tab = await browser!.newPage()
      await tab.goto(`${page.url}/?api=${api.port}`)
      await tab.waitForFunction(() => (window as any).ready === true)
      await galley.update({ collection: 'posts', id: 'a', data: { title: 'A2' } })
      await galley.update({ collection: 'posts', id: 'a', data: { title: 'draft' }, draft: true })
      await tab.waitForFunction(() => (window as any).got.length === 1)
      // The API server goes away; a change is committed meanwhile; it comes back.
      const port = api.port
      await api.close()
      await galley.publish({ collection: 'posts', id: 'a' })
      api = await serveApi(port)
      // EventSource reconnects by itself (retry: 2000) sending Last-Event-ID.
      await tab.waitForFunction(() => (window as any).got.length >= 2, undefined, {
        timeout: 10_000,
      })
      const got = (await tab.evaluate(() => (window as any).got)) as Array<{
        id: string
        data: any
      }>
      expect(got.map((g) => g.data.operation)).toEqual(['update', 'publish'])
      expect(got.map((g) => g.data.status)).toEqual(['published', 'published'])
      expect(Number(got[1]!.id)).toBeGreaterThan(Number(got[0]!.id))
      await tab.close()
    },
  )

  it('subscribeToChanges with a read:drafts token hears draft saves, and resumes', async () => {
    const got: GalleyChange[] = []
    const sub = subscribeToChanges({
      url: api.url,
      token: draftsToken,
      retry: { minMs: 50, maxMs: 200 },
      onChange: (c) => got.push(c),
    })
    await expect.poll(() => sub.lastEventId, { timeout: 5000 }).toBeDefined()
    await galley.update({ collection: 'posts', id: 'a', data: { title: 'draft 2' }, draft: true })
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(1)
    expect(got[0]).toMatchObject({ collection: 'posts', id: 'a', status: 'changed' })
    const port = api.port
    await api.close()
    await galley.publish({ collection: 'posts', id: 'a' })
    api = await serveApi(port)
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(2)
    expect(got[1]).toMatchObject({ operation: 'publish', status: 'published' })
    sub.close()
  })

  it('proxyChangeStream answers a browser from the frontend with the token’s events', async () => {
    const browserRequest = () => {
      const abort = new AbortController()
      return {
        abort,
        request: (lastEventId?: string) =>
          new Request('http://site.example/api/galley-events', {
            headers: lastEventId ? { 'last-event-id': lastEventId } : {},
            signal: abort.signal,
          }),
      }
    }
    const first = browserRequest()
    const res = await proxyChangeStream(first.request(), { url: api.url, token: draftsToken })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const sse = sseReader(res.body!)
    expect((await sse.next(5000))?.event).toBe('ready')
    await galley.update({ collection: 'posts', id: 'a', data: { title: 'draft 3' }, draft: true })
    const draftSave = await sse.next(5000)
    expect(draftSave?.data).toMatchObject({ id: 'a', operation: 'update', status: 'changed' })
    first.abort.abort()
    sse.close()
    // The browser comes back with the last id it saw: it gets what it missed.
    await galley.publish({ collection: 'posts', id: 'a' })
    const again = browserRequest()
    const resumed = sseReader(
      (await proxyChangeStream(again.request(draftSave!.id), { url: api.url, token: draftsToken }))
        .body!,
    )
    expect((await resumed.next(5000))?.data).toMatchObject({ operation: 'publish' })
    again.abort.abort()
    resumed.close()
    // A bad Last-Event-ID is the browser's 400; a bad token is this route's 502.
    const bad = browserRequest()
    const badId = await proxyChangeStream(bad.request('x'), { url: api.url, token: draftsToken })
    expect(badId.status).toBe(400)
    const badToken = await proxyChangeStream(bad.request(), { url: api.url, token: 'gly_nope' })
    expect(badToken.status).toBe(502)
  })
})
