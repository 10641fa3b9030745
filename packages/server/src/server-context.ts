import type { Galley } from '@galley/core'
import type { AuthStore, TokenRecord, UserDoc } from './auth/auth-store'
import type { RateLimiter } from './auth/rate-limiter'
import type { AuthUser } from './auth/roles'
import type { ClientInfo } from './http/client-info'
import type { Operations } from './operations/operations'
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

/** Hono environment of the server's routes. */
export type ServerEnv = { Variables: { auth: RequestAuth; client: ClientInfo; url: URL } }

/** Everything the routes share. */
export interface ServerContext {
  galley: Galley
  options: ResolvedServerOptions
  /** Null when the config did not go through `withAuth`: every request is anonymous. */
  store: AuthStore | null
  ops: Operations
  webhooks: WebhookDispatcher
  /** Failed logins per address+email, per address, and per email from any address. */
  limits: { login: RateLimiter; address: RateLimiter; email: RateLimiter }
}
