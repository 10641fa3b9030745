import type { MiddlewareHandler } from 'hono'
import { appendVary } from './cache-headers'
import { requestHeader } from './request-headers'

const ALLOW_HEADERS = 'Content-Type, Authorization, If-Match, If-None-Match, X-CSRF-Token'
const EXPOSE_HEADERS = 'ETag, Cache-Tag, Retry-After'
const ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS'

/**
 * CORS for a list of origins. A listed origin is echoed back with
 * `Access-Control-Allow-Credentials: true`; `'*'` in the list lets any other origin read
 * without credentials (the wildcard is never combined with credentials). Other origins get
 * no CORS headers, so browsers keep their responses from scripts.
 * @example app.use('/api/*', cors(['https://studio.example.com']))
 */
export function cors(allowOrigins: readonly string[], tagHeader = 'Cache-Tag'): MiddlewareHandler {
  const listed = new Set(allowOrigins.filter((o) => o !== '*'))
  for (const o of listed) {
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new TypeError(
        `allowOrigins: ${JSON.stringify(o)} must be an origin like https://studio.example.com (no path, no trailing slash).`,
      )
  }
  const any = allowOrigins.includes('*')
  const expose = EXPOSE_HEADERS.replace('Cache-Tag', tagHeader)
  return async (c, next) => {
    const origin = requestHeader(c, 'origin')
    const credentialed = origin !== undefined && listed.has(origin)
    const allowed = credentialed || (origin !== undefined && any)
    const set = (h: Headers) => {
      if (listed.size > 0 || any) appendVary(h, 'Origin')
      if (!allowed) return
      h.set('Access-Control-Allow-Origin', credentialed ? origin! : '*')
      if (credentialed) h.set('Access-Control-Allow-Credentials', 'true')
      h.set('Access-Control-Expose-Headers', expose)
    }
    if (c.req.method === 'OPTIONS' && requestHeader(c, 'access-control-request-method')) {
      const headers = new Headers()
      set(headers)
      if (allowed) {
        headers.set('Access-Control-Allow-Methods', ALLOW_METHODS)
        headers.set('Access-Control-Allow-Headers', ALLOW_HEADERS)
        headers.set('Access-Control-Max-Age', '600')
      }
      return new Response(null, { status: 204, headers })
    }
    await next()
    // Reading c.res.headers turns a lightweight response into a full one: only when needed.
    if (allowed || listed.size > 0 || any) set(c.res.headers)
  }
}
