import { readFile, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'
import { Hono, type Context } from 'hono'
import type { ServerEnv } from '../server-context'

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

/** Only what Vite emits: hashed names of letters, digits, `-`, `_` and `.` under `assets/`. */
const ASSET = /^assets\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}$/

/**
 * The Studio's page for every route under it. Scripts, styles and API calls from this origin
 * only; no framing (click-jacking an editor's session); no referrer to other sites.
 */
const PAGE_HEADERS = Object.freeze({
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
})

/**
 * Serve a built Studio (`dir`, the output of its Vite build) at `/admin`: hashed files under
 * `/admin/assets/` with a year's immutable caching, and `index.html` for every other path
 * under `/admin`, so a deep link or a reload lands in the app (SPA fallback). A missing build
 * answers 503 with how to build it.
 */
export function studioAssets(dir: string): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const page = async (c: Context<ServerEnv>) => {
    const html = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null)
    if (html === null) {
      return c.text(
        'The Studio is not built. Run `npm run build -w @galley/studio` (npm run dev builds it when needed).',
        503,
        { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
      )
    }
    return c.html(html, 200, PAGE_HEADERS)
  }
  app.get('/assets/*', async (c) => {
    const rel = new URL(c.req.url).pathname.replace(/^\/admin\//, '')
    if (!ASSET.test(rel) || rel.includes('..')) return notFound(c)
    const file = join(dir, ...rel.split('/'))
    if (!file.startsWith(dir + sep)) return notFound(c)
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) return notFound(c)
    const body = await readFile(file)
    return c.body(body, 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    })
  })
  app.get('/', page)
  app.get('/*', page)
  return app
}

function notFound(c: Context<ServerEnv>) {
  return c.text('Not found', 404, {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
}
