import type { Context, MiddlewareHandler } from 'hono'
import { appendVary } from './cache-headers'

const ALLOW_HEADERS =
  'Content-Type, Authorization, If-Match, If-None-Match, X-CSRF-Token, Galley-Preview-Grant'
const EXPOSE_HEADERS = 'ETag, Cache-Tag, Retry-After'
const ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS'

/** The CORS answer for each origin, chosen once at start-up: a request only looks it up. */
export interface CorsPolicy {
  /** Whether any origin is allowed (else responses carry no CORS headers at all). */
  configured: boolean
  /** The headers for a request from `origin` (undefined: no `Origin` header). */
  forOrigin(origin: string | undefined): CorsHeaders
}

/**
 * CORS for a list of origins. A listed origin is echoed back with
 * `Access-Control-Allow-Credentials: true`; `'*'` in the list lets any other origin read
 * without credentials (the wildcard is never combined with credentials). Other origins get
 * no CORS headers, so browsers keep their responses from scripts.
 * @example app.use('/api/*', corsMiddleware(corsPolicy(['https://studio.example.com'])))
 */
export function corsPolicy(allowOrigins: readonly string[], tagHeader = 'Cache-Tag'): CorsPolicy {
  const listed = new Set(allowOrigins.filter((o) => o !== '*'))
  for (const o of listed) {
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new TypeError(
        `allowOrigins: ${JSON.stringify(o)} must be an origin like https://studio.example.com (no path, no trailing slash).`,
      )
  }
  const any = allowOrigins.includes('*')
  const expose = EXPOSE_HEADERS.replace('Cache-Tag', tagHeader)
  const configured = listed.size > 0 || any
  const byOrigin = new Map<string, CorsHeaders>()
  for (const o of listed)
    byOrigin.set(o, {
      headers: Object.freeze({
        'Access-Control-Allow-Origin': o,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': expose,
      }),
      varyOrigin: true,
    })
  const anyOrigin: CorsHeaders = {
    headers: Object.freeze({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': expose,
    }),
    varyOrigin: true,
  }
  const refused: CorsHeaders = { headers: Object.freeze({}), varyOrigin: configured }
  return {
    configured,
    forOrigin: (origin) =>
      origin === undefined ? refused : (byOrigin.get(origin) ?? (any ? anyOrigin : refused)),
  }
}

/** The middleware of a policy: preflights, and the request's CORS headers for responders. */
export function corsMiddleware(policy: CorsPolicy): MiddlewareHandler {
  return async (c, next) => {
    const cors = policy.forOrigin(c.req.header('origin'))
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const headers = new Headers()
      addTo(headers, cors)
      if (Object.keys(cors.headers).length > 0) {
        headers.set('Access-Control-Allow-Methods', ALLOW_METHODS)
        headers.set('Access-Control-Allow-Headers', ALLOW_HEADERS)
        headers.set('Access-Control-Max-Age', '600')
      }
      return new Response(null, { status: 204, headers })
    }
    if (!policy.configured) return next()
    c.set('cors', cors)
    await next()
    // The server's responders put these headers in the response they build (withCors), where
    // they survive node-server rebuilding a Response from its initial headers; a response
    // built elsewhere gets them added here. Adding is idempotent: same values, Vary once.
    addTo(c.res.headers, cors)
  }
}

function addTo(h: Headers, cors: CorsHeaders): void {
  if (cors.varyOrigin) appendVary(h, 'Origin')
  for (const k in cors.headers) h.set(k, cors.headers[k]!)
}

/** The CORS headers chosen for a request: put them in the response's initial headers. */
export interface CorsHeaders {
  headers: Readonly<Record<string, string>>
  /** Whether `Vary` must include `Origin` (when any origin is configured). */
  varyOrigin: boolean
}

/** Add the request's CORS headers (if any) to `headers`, which must be fresh for this response. */
export function withCors(c: Context, headers: Record<string, string>): Record<string, string> {
  return addCors(headers, c.get('cors') as CorsHeaders | undefined)
}

/** Add `cors` (if any) to `headers`, which must be fresh for this response. */
export function addCors(
  headers: Record<string, string>,
  cors: CorsHeaders | undefined,
): Record<string, string> {
  if (cors === undefined) return headers
  Object.assign(headers, cors.headers)
  if (cors.varyOrigin) {
    const vary = headers.Vary
    headers.Vary = vary ? `${vary}, Origin` : 'Origin'
  }
  return headers
}
