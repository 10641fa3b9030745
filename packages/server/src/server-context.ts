import type { Galley } from '@galley/core'
import type { AuthStore } from './auth/auth-store'
import type { Credentials } from './auth/credentials'
import type { RateLimiter } from './auth/rate-limiter'
import type { RequestAuth } from './auth/request-auth'
import type { CachedPrincipal, RenderedRead } from './cache/cache-entries'
import type { VersionedCache } from './cache/versioned-cache'
import type { ClientInfo } from './http/client-info'
import type { CorsHeaders } from './http/cors'
import type { Operations } from './operations/operations'
import type { ResolvedServerOptions } from './server-options'
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher'

export { ANONYMOUS, type RequestAuth } from './auth/request-auth'
export type { CachedPrincipal } from './cache/cache-entries'

/** Hono environment of the server's routes. */
export type ServerEnv = {
  Variables: {
    auth: RequestAuth
    client: ClientInfo
    /** The request's credentials as read from its headers (`credentialsOf`), once per request. */
    credentials: Credentials | undefined
    url: URL
    /**
     * `galley.dataVersion()`, taken by the response cache middleware before anything read;
     * undefined: cache nothing (the cache is off, or the store has no data version).
     */
    version: number | undefined
    /** The CORS headers of this request's origin, set by `corsMiddleware`; responders add them. */
    cors: CorsHeaders | undefined
    /** A read route's rendered 200, which the response cache keeps for the next same request. */
    read: RenderedRead | undefined
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
