import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ForbiddenError } from '@galley/core'
import { CrossOriginError, UnauthorizedError } from '../http/http-errors'
import { tokenInQuery } from '../http/query-params'
import type { ServerContext, ServerEnv } from '../server-context'
import { CSRF_HEADER } from './cookies'
import {
  bearerToken,
  clientOf,
  credentialsOf,
  mayHaveQueryToken,
  QUERY_TOKEN_PARAMS,
} from './credentials'
import { sessionCaller, tokenCaller } from './principals'
import { ANONYMOUS } from './request-auth'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Resolve who is calling. `Authorization: Bearer <token>` wins; otherwise the session
 * cookie; otherwise anonymous. A bad token is a 401 (never a silent downgrade); a token in
 * the query string is a 400. Sets `c.var.auth` and `c.var.client`.
 */
export function authenticate(ctx: ServerContext): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const href = c.req.url
    clientOf(c, ctx.options)
    const { authorization, session } = credentialsOf(c, ctx.options)
    c.set('auth', ANONYMOUS)
    if (mayHaveQueryToken(href)) {
      const url = new URL(href)
      c.set('url', url)
      const search = url.searchParams
      if (QUERY_TOKEN_PARAMS.some((p) => search.has(p))) throw tokenInQuery()
    }

    // Taken by the response cache before anything read: callers are kept under it.
    const version = c.get('version')

    if (authorization !== undefined) {
      const token = bearerToken(authorization)
      if (token === undefined)
        throw new UnauthorizedError(`The Authorization header must be 'Bearer <token>'.`)
      const auth = await tokenCaller(ctx, token, version)
      if (!auth) throw new UnauthorizedError('The API token is unknown, revoked or malformed.')
      c.set('auth', auth)
      return next()
    }

    if (session) {
      const auth = await sessionCaller(ctx, session, version)
      if (auth) c.set('auth', auth)
    }
    return next()
  }
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
      assertSameOrigin(ctx, c.req.header('origin'), c.get('client').origin)
      const sent = c.req.header(CSRF_HEADER) ?? ''
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
