import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ForbiddenError } from '@galley/core'
import { CrossOriginError, UnauthorizedError } from '../http/http-errors'
import { clientInfo, urlOrigin } from '../http/client-info'
import { requestHeader } from '../http/request-headers'
import { tokenInQuery } from '../http/query-params'
import { ANONYMOUS, type ServerContext, type ServerEnv } from '../server-context'
import { CSRF_HEADER, readCookie, sessionCookieName } from './cookies'
import { sessionCaller, tokenCaller } from './principals'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** `Authorization: Bearer <token>`, the token in group 1 (also read by the cache shortcut). */
export const BEARER = /^Bearer +([^\s]+) *$/i
const QUERY_TOKEN_PARAMS = ['token', 'access_token', 'api_key', 'apikey']

/**
 * Resolve who is calling. `Authorization: Bearer <token>` wins; otherwise the session
 * cookie; otherwise anonymous. A bad token is a 401 (never a silent downgrade); a token in
 * the query string is a 400. Sets `c.var.auth` and `c.var.client`.
 */
export function authenticate(ctx: ServerContext): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const href = c.req.url
    const client = clientInfo(
      urlOrigin(href),
      ctx.options.trustProxy ? (name) => requestHeader(c, name) : noHeader,
      c.env,
      ctx.options.trustProxy,
      ctx.options.trustedProxyHops,
    )
    c.set('client', client)
    c.set('auth', ANONYMOUS)
    if (mayHaveQueryToken(href)) {
      const url = new URL(href)
      c.set('url', url)
      const search = url.searchParams
      if (QUERY_TOKEN_PARAMS.some((p) => search.has(p))) throw tokenInQuery()
    }

    // Before any read: responses and callers are cached under the version they were read at.
    const version = ctx.cache === null ? undefined : ctx.galley.dataVersion()
    c.set('version', version)

    const header = requestHeader(c, 'authorization')
    if (header !== undefined) {
      const m = BEARER.exec(header)
      if (!m) throw new UnauthorizedError(`The Authorization header must be 'Bearer <token>'.`)
      const auth = await tokenCaller(ctx, m[1]!, version)
      if (!auth) throw new UnauthorizedError('The API token is unknown, revoked or malformed.')
      c.set('auth', auth)
      return next()
    }

    const cookie = readCookie(requestHeader(c, 'cookie'), sessionCookieName(client.secure))
    if (cookie) {
      const auth = await sessionCaller(ctx, cookie, version)
      if (auth) c.set('auth', auth)
    }
    return next()
  }
}

const noHeader = () => undefined

/**
 * Whether a URL's query could name a token parameter: a cheap test that lets most requests
 * skip parsing it here. Conservative: anything percent-encoded is parsed and checked.
 */
export function mayHaveQueryToken(href: string): boolean {
  const q = href.indexOf('?')
  if (q < 0) return false
  const query = href.slice(q)
  return query.includes('%') || query.includes('token') || query.includes('api')
}

/**
 * CSRF protection of cookie-authenticated writes, in two layers:
 * 1. Origin check — a write whose `Origin` is neither this server nor an allowed origin is refused;
 * 2. a synchronizer token — the session's random CSRF token (returned at login and by
 *    `/api/auth/me`, and in the readable `galley_csrf` cookie) must come back in
 *    `X-CSRF-Token`; a cross-site page can neither read it nor set that header without CORS.
 * Bearer-token requests carry no ambient credentials and skip both.
 */
export function csrfProtection(ctx: ServerContext): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const auth = c.get('auth')
    if (UNSAFE.has(c.req.method) && auth.via === 'session') {
      assertSameOrigin(ctx, requestHeader(c, 'origin'), c.get('client').origin)
      const sent = requestHeader(c, CSRF_HEADER.toLowerCase()) ?? ''
      if (!safeEqual(sent, auth.session!.csrfToken)) {
        throw new ForbiddenError(
          `Missing or wrong ${CSRF_HEADER} header: send the csrfToken from POST /api/auth/login or GET /api/auth/me with every cookie-authenticated write.`,
        )
      }
    }
    return next()
  }
}

/** Refuse a request from a foreign origin (browsers send `Origin` on every cross-site POST). */
export function assertSameOrigin(
  ctx: ServerContext,
  origin: string | undefined,
  own: string,
): void {
  if (origin === undefined) return
  if (origin === own || ctx.options.allowOrigins.includes(origin)) return
  throw new CrossOriginError(
    `Requests from origin ${JSON.stringify(origin.slice(0, 100))} may not use the session cookie; add it to allowOrigins or use an API token.`,
  )
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb) && a.length > 0
}

export { UNSAFE }
