import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient } from '@galley/client'
import { createDraftMode } from '@galley/preview'

/**
 * A frontend of the example blog reduced to what a preview needs, on `localhost`: the
 * draft-mode route `/api/draft` (`@galley/preview`'s `createDraftMode`, validating the secret
 * with the Galley server through a `read:drafts` token) and `/posts/:slug`, which shows the
 * post's title from the perspective the signed draft-mode cookie names (published without
 * one). The full Next.js site is examples/next-blog.
 */
export interface PreviewSite {
  url: string
  /** Point the site at its Galley server (known only after the server starts with this site's URL). */
  connect(apiUrl: string, readToken: string): void
  close(): Promise<void>
}

export async function startPreviewSite(): Promise<PreviewSite> {
  let client: ReturnType<typeof createClient> | null = null
  let draft: ReturnType<typeof createDraftMode> | null = null
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err))
    })
  })
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
    })
    if (!client || !draft) throw new Error('The preview site is not connected to a Galley server.')
    const path = new URL(request.url).pathname
    let response: Response
    if (path === '/api/draft') response = await draft.enable(request)
    else {
      const m = /^\/posts\/([^/]+)$/.exec(path)
      const state = await draft.get(request)
      const reader = state.isEnabled
        ? client.withConfig({ perspective: state.perspective as 'drafts' })
        : client.withConfig({ perspective: 'published' })
      const found = m
        ? await reader.find('posts', {
            where: { slug: { equals: decodeURIComponent(m[1]!) } },
            limit: 1,
          })
        : { docs: [] }
      const post = found.docs[0] as { title?: string } | undefined
      const banner = state.isEnabled ? '<p role="status">Draft preview</p>' : ''
      response = post
        ? html(200, `${banner}<h1>${escape(post.title ?? '')}</h1>`)
        : html(404, `${banner}<h1>Not found</h1>`)
    }
    const headers: Record<string, string | string[]> = {}
    response.headers.forEach((v, k) => {
      if (k !== 'set-cookie') headers[k] = v
    })
    const cookies = response.headers.getSetCookie()
    if (cookies.length) headers['set-cookie'] = cookies
    res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()))
  }
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}`,
    connect(apiUrl, readToken) {
      client = createClient({ url: apiUrl, token: readToken })
      draft = createDraftMode({
        client,
        cookieSecret: randomBytes(32).toString('base64url'),
        logger: { warn: () => {}, error: () => {} },
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function html(status: number, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><title>Site</title><main>${body}</main></html>`,
    {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    },
  )
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
