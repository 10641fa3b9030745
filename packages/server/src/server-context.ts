import type { Galley } from '@galley/core'
import type { VersionedCache } from './cache/versioned-cache'
import type { AuthStore, TokenRecord, UserDoc } from './auth/auth-store'
import type { RateLimiter } from './auth/rate-limiter'
import type { AuthUser } from './auth/roles'
import type { ClientInfo } from './http/client-info'
import type { CorsHeaders } from './http/cors'
import type { Operations } from './operations/operations'
import type { RenderedRead } from './rest/read-response'
import type { ResolvedServerOptions } from './server-options'
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher'

/** Who sent a request, as the server resolved it. */
export interface RequestAuth {
  via: 'anonymous' | 'session' | 'token'
  /** Passed to the Local API as `user`: null means anonymous (access rules apply). */
  user: AuthUser | null
  session?: { id: string; csrfToken: string; expiresAt: string; doc: UserDoc }
  token?: TokenRecord
}

export const ANONYMOUS: RequestAuth = Object.freeze({ via: 'anonymous', user: null }) as RequestAuth

/** A caller resolved from a token or session cookie, and until when that holds (ms since epoch). */
export interface CachedPrincipal {
  auth: RequestAuth
  expiresMs: number
}

/** Hono environment of the server's routes. */
export type ServerEnv = {
  Variables: {
    auth: RequestAuth
    client: ClientInfo
    url: URL
    /** `galley.dataVersion()` taken before the request read anything; undefined: cache nothing. */
    version: number | undefined
    /** The CORS headers of this request's origin, set by `corsMiddleware`; responders add them. */
    cors: CorsHeaders | undefined
  }
}

/** Everything the routes share. */
export interface ServerContext {
  galley: Galley
  options: ResolvedServerOptions
  /** Null when the config did not go through `withAuth`: every request is anonymous. */
  store: AuthStore | null
  ops: Operations
  webhooks: WebhookDispatcher
  /**
   * Null when `responseCache: false`. `responses`: rendered reads by caller, origin and URL;
   * `principals`: the caller of a token or session, by the SHA-256 of the secret.
   */
  cache: {
    responses: VersionedCache<RenderedRead>
    principals: VersionedCache<CachedPrincipal>
  } | null
  /** Failed logins per address+email, per address, and per email from any address. */
  limits: { login: RateLimiter; address: RateLimiter; email: RateLimiter }
}
