// The README's Express and Hono snippets, nearly verbatim, against a real Galley server over
// HTTP (SQLite in memory). Express itself is not installed: its adapter runs on plain
// node:http here, as the README says it may. Test-only imports of the server and the client.
import { serve, type ServerType } from '@hono/node-server'
import { createClient } from '@galley/client'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import { AuthStore, createServer, withAuth, type GalleyServer } from '@galley/server'
import { sqlite } from '@galley/storage-sqlite'
import { Hono } from 'hono'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createExpressDraftModeHandlers } from '../../src/adapters/express'
import { createHonoDraftModeHandlers, type DraftModeVariables } from '../../src/adapters/hono'
import { KEY_A } from '../fake-validation-client'

let galley: Galley
let api: GalleyServer
let apiUrl = ''
const tokens = { drafts: '', published: '', write: '' }
const closers: Array<() => Promise<void>> = []

const listenNode = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push(() => new Promise((r) => server.close(() => r())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const listenHono = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<string>((resolve) => {
    const s: ServerType = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      closers.push(() => new Promise((r) => s.close(() => r())))
      resolve(`http://127.0.0.1:${info.port}`)
    })
  })

async function previewUrlFor(site: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${apiUrl}/api/preview/secrets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.write}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pathname: '/blog/hello', ...body }),
  })
  const { secret } = (await res.json()) as { secret: string }
  return `${site}/api/draft-mode/enable?galley-preview-secret=${secret}&galley-preview-pathname=/blog/hello`
}

/** Follows the handshake like a browser would, by hand: enable, then the page with the cookie. */
async function handshake(site: string, url: string) {
  const enable = await fetch(url, { redirect: 'manual' })
  const cookie = enable.headers.getSetCookie()[0]?.split(';')[0]
  const page = await fetch(`${site}${enable.headers.get('location') ?? '/blog/hello'}`, {
    headers: cookie ? { cookie } : {},
  })
  return { enable, cookie, post: (await page.json()) as { title: string } | null }
}

beforeAll(async () => {
  galley = await createGalley(
    withAuth(
      defineConfig({
        storage: sqlite({ file: ':memory:' }),
        collections: [
          {
            slug: 'posts',
            versions: { drafts: true },
            fields: [
              { name: 'title', type: 'text', required: true },
              { name: 'slug', type: 'slug', unique: true },
            ],
          },
        ],
      }),
    ),
  )
  const store = new AuthStore(galley)
  tokens.drafts = (await store.createToken({ name: 'frontend', scope: 'read:drafts' })).token
  tokens.published = (await store.createToken({ name: 'site', scope: 'read:published' })).token
  tokens.write = (await store.createToken({ name: 'studio', scope: 'write' })).token
  await galley.create({ collection: 'posts', data: { title: 'Published', slug: 'hello' } })
  const { docs } = await galley.find({ collection: 'posts' })
  await galley.update({
    collection: 'posts',
    id: docs[0]!.id,
    data: { title: 'Draft' },
    draft: true,
  })
  api = createServer({
    galley,
    logger: { error: () => {}, warn: () => {} },
    preview: { rateLimit: { maxFailures: 3, maxTokenFailures: 3 } },
  })
  apiUrl = await listenHono((r) => api.fetch(r))
})

afterAll(async () => {
  for (const close of closers.splice(0)) await close()
  await api?.close()
  await galley?.close()
})

/** The README's Express snippet on node:http (`req.params` comes from the URL by hand). */
async function expressSite(token: string) {
  const client = createClient({ url: apiUrl, token })
  const draft = createExpressDraftModeHandlers({ client, cookieSecret: KEY_A })
  const server = createHttpServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/api/draft-mode/enable') return draft.enable(req, res)
    if (path === '/api/draft-mode/disable') return draft.disable(req, res)
    const slug = /^\/blog\/([^/]+)$/.exec(path)?.[1] ?? ''
    const { isEnabled, perspective } = await draft.getDraftMode(req)
    const post = await (isEnabled ? client.withConfig({ perspective }) : client).find('posts', {
      where: { slug: { equals: slug } },
    })
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify(post.docs[0] ?? null))
  })
  return listenNode(server)
}

/** The README's Hono snippet. */
async function honoSite(token: string) {
  const client = createClient({ url: apiUrl, token })
  const draft = createHonoDraftModeHandlers({ client, cookieSecret: KEY_A })
  const app = new Hono<{ Variables: DraftModeVariables }>()
  app.get('/api/draft-mode/enable', draft.enable)
  app.all('/api/draft-mode/disable', draft.disable)
  app.use('*', draft.middleware)
  app.get('/blog/:slug', async (c) => {
    const { isEnabled, perspective } = c.get('draftMode')
    const reader = isEnabled ? client.withConfig({ perspective }) : client
    const { docs } = await reader.find('posts', {
      where: { slug: { equals: c.req.param('slug') } },
    })
    return c.json(docs[0] ?? null)
  })
  return listenHono((r) => app.fetch(r))
}

for (const [name, makeSite] of [
  ['Express', expressSite],
  ['Hono', honoSite],
] as const) {
  describe(`README ${name} snippet against the real server`, () => {
    it('a read:drafts token: preview URL → 307 + cookie → the draft; no cookie → published', async () => {
      const site = await makeSite(tokens.drafts)
      const { enable, cookie, post } = await handshake(site, await previewUrlFor(site))
      expect(enable.status).toBe(307)
      expect(enable.headers.get('location')).toBe('/blog/hello')
      expect(cookie).toMatch(/^__galley_draft=/)
      expect(post?.title).toBe('Draft')
      const visitor = await fetch(`${site}/blog/hello`)
      expect(((await visitor.json()) as { title: string }).title).toBe('Published')
      const off = await fetch(`${site}/api/draft-mode/disable`, {
        method: 'POST',
        headers: { cookie: cookie! },
      })
      expect(off.status).toBe(200)
      expect(off.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true)
    })

    it('a read:published token cannot validate: 502, no cookie (the README asks for read:drafts)', async () => {
      const site = await makeSite(tokens.published)
      const { enable, cookie, post } = await handshake(site, await previewUrlFor(site))
      expect(enable.status).toBe(502)
      expect(cookie).toBeUndefined()
      expect(post?.title).toBe('Published')
    })
  })
}

describe('README responses table against the real server', () => {
  it('401 for a bad secret, 429 once the server rate-limits the frontend token', async () => {
    // A token of its own, so the other suites' guesses do not count.
    const own = (await new AuthStore(galley).createToken({ name: 'limits', scope: 'read:drafts' }))
      .token
    const site = await honoSite(own)
    const good = await previewUrlFor(site)
    const bad = good.replace(
      /galley-preview-secret=[^&]+/,
      `galley-preview-secret=${'Z'.repeat(43)}`,
    )
    for (let i = 0; i < 3; i++) expect((await fetch(bad, { redirect: 'manual' })).status).toBe(401)
    const limited = await fetch(good, { redirect: 'manual' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
    expect(limited.headers.getSetCookie()).toEqual([])
  })
})
