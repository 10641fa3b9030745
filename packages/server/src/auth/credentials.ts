import type { Context } from 'hono'
import { clientInfo, urlOrigin, type ClientInfo } from '../http/client-info'
import type { ResolvedServerOptions } from '../server-options'
import { readCookie, sessionCookieName } from './cookies'

/** `Authorization: Bearer <token>`, the token in group 1. */
export const BEARER = /^Bearer +([^\s]+) *$/i

/** Query parameters that look like a credential: refused, since URLs end up in logs. */
export const QUERY_TOKEN_PARAMS = Object.freeze(['token', 'access_token', 'api_key', 'apikey'])

/** What a request presents as its identity, before anything is looked up. */
export interface Credentials {
  /** The `Authorization` header, if any; when present it decides alone (the cookie is ignored). */
  authorization: string | undefined
  /** The session cookie's value, when there is no `Authorization` (the scheme picks its name). */
  session: string | undefined
}

/**
 * The request's credentials, read from its headers once per request (kept in `c.var`):
 * the response cache names the caller from them and `authenticate` resolves them.
 */
export function credentialsOf(c: Context, options: ClientOptions): Credentials {
  const known = c.get('credentials') as Credentials | undefined
  if (known !== undefined) return known
  const authorization = c.req.header('authorization')
  let session: string | undefined
  if (authorization === undefined) {
    const cookie = c.req.header('cookie')
    if (cookie !== undefined)
      session = readCookie(cookie, sessionCookieName(clientOf(c, options).secure))
  }
  const credentials: Credentials = { authorization, session }
  c.set('credentials', credentials)
  return credentials
}

type ClientOptions = Pick<ResolvedServerOptions, 'trustProxy' | 'trustedProxyHops'>

/** Where the request came from (`c.var.client`), worked out once per request. */
export function clientOf(c: Context, options: ClientOptions): ClientInfo {
  const known = c.get('client') as ClientInfo | undefined
  if (known !== undefined) return known
  const client = clientInfo(
    urlOrigin(c.req.url),
    options.trustProxy ? (name) => c.req.header(name) : noHeader,
    c.env,
    options.trustProxy,
    options.trustedProxyHops,
  )
  c.set('client', client)
  return client
}

const noHeader = () => undefined

/** The token of an `Authorization` header, or undefined when it is not `Bearer <token>`. */
export function bearerToken(authorization: string): string | undefined {
  return BEARER.exec(authorization)?.[1]
}

/**
 * Whether a URL's query could name a token parameter: a cheap test that lets most requests
 * skip parsing it. Conservative: anything percent-encoded is parsed and checked.
 */
export function mayHaveQueryToken(href: string): boolean {
  const q = href.indexOf('?')
  if (q < 0) return false
  const query = href.slice(q)
  return query.includes('%') || query.includes('token') || query.includes('api')
}
