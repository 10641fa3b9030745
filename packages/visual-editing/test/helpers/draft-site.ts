import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { createClient, isPreviewEnded } from '@galley/client'
import { createDraftMode } from '@galley/preview'

/**
 * The example blog's frontend reduced to what visual editing needs, as a Next.js site would
 * do it: `/api/draft` (createDraftMode), `/posts/:slug` rendering the post with stega marks
 * and the overlay script in draft mode (published, unmarked and script-free otherwise), and
 * a grant on every draft read so a revoked shared link ends the session. Variants:
 * `/plain/…` never loads the overlay, `/locked/…` refuses framing (X-Frame-Options: DENY).
 */
export interface DraftSite {
  url: string
  connect(apiUrl: string, readToken: string, studioOrigins: string[]): void
  close(): Promise<void>
}

const here = dirname(fileURLToPath(import.meta.url))

export async function startDraftSite(host = '127.0.0.1'): Promise<DraftSite> {
  const bundle = await build({
    entryPoints: [join(here, 'site-entry.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    logLevel: 'silent',
  })
  const script = bundle.outputFiles[0]!.text
  let api = ''
  let token = ''
  let origins: string[] = []
  let draft: ReturnType<typeof createDraftMode> | null = null
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => res.writeHead(500).end(String(err)))
  })
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
    })
    const path = new URL(request.url).pathname
    if (path === '/overlay.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      return
    }
    if (!draft) throw new Error('not connected')
    if (path === '/api/draft') return send(res, await draft.enable(request))
    const m = /^(\/plain|\/locked)?\/posts\/([^/]+)$/.exec(path)
    if (!m) return send(res, page(404, '<h1>Not found</h1>', ''))
    const state = await draft.get(request)
    const where = { slug: { equals: decodeURIComponent(m[2]!) } }
    const published = createClient({ url: api })
    let post: Record<string, unknown> | undefined
    let ended = false
    if (state.isEnabled) {
      const reader = createClient({
        url: api,
        token,
        perspective: state.perspective as 'drafts',
        previewGrant: state.grant ?? undefined,
        stega: { enabled: true },
      })
      try {
        post = (await reader.find('posts', { where, limit: 1 })).docs[0]
      } catch (error) {
        if (!isPreviewEnded(error)) throw error
        ended = true
      }
    }
    const preview = state.isEnabled && !ended
    if (!preview) post = (await published.find('posts', { where, limit: 1 })).docs[0]
    if (!post) return send(res, page(404, '<h1>Not found</h1>', ''))
    const overlay = preview && m[1] !== '/plain'
    const body =
      (preview
        ? '<p role="status">Draft preview</p>'
        : ended
          ? '<p role="status">Preview ended</p>'
          : '') +
      `<h1 data-testid="post-title">${escape(String(post.title))}</h1>` +
      `<p class="excerpt">${escape(String(post.excerpt ?? ''))}</p>` +
      `<a href="/posts/${encodeURIComponent(String(post.slug))}">Permalink</a>`
    const tail = overlay
      ? `<script type="application/json" id="galley-config">${json({ studioOrigins: origins })}</script>` +
        `<script type="application/json" id="post-data">${json(post)}</script>` +
        `<script type="module" src="/overlay.js"></script>`
      : ''
    const response = page(200, body, tail)
    if (m[1] === '/locked') response.headers.set('X-Frame-Options', 'DENY')
    if (ended) for (const c of draft.clearingCookies()) response.headers.append('set-cookie', c)
    return send(res, response)
  }
  await new Promise<void>((done) => server.listen(0, host, done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    connect(apiUrl, readToken, studioOrigins) {
      api = apiUrl
      token = readToken
      origins = studioOrigins
      draft = createDraftMode({
        client: createClient({ url: apiUrl, token: readToken }),
        cookieSecret: randomBytes(32).toString('base64url'),
        logger: { warn: () => {}, error: () => {} },
      })
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}

async function send(res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((v, k) => {
    if (k !== 'set-cookie') headers[k] = v
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()))
}

function page(status: number, body: string, tail: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><title>Site</title></head><body><main>${body}</main>${tail}</body></html>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
  )
}

const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
