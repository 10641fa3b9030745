export { createServer, RESERVED_SLUGS } from './create-server'
export type { GalleyServer } from './create-server'
export { SERVER_DEFAULTS } from './server-options'
export type { ServerOptions } from './server-options'
export { serveNode } from './adapters/node'
export { withAuth, ROLE_ACCESS, USERS, INTERNAL, hasAuth } from './auth/with-auth'
export { AuthStore } from './auth/auth-store'
export type { UserDoc, TokenRecord } from './auth/auth-store'
export { ROLES, TOKEN_SCOPES, hasRole, isRole, isTokenScope } from './auth/roles'
export type { Role, TokenScope, AuthUser } from './auth/roles'
export { hashPassword, verifyPassword } from './auth/passwords'
export { CSRF_HEADER } from './auth/cookies'
export {
  WebhookDispatcher,
  signWebhook,
  WEBHOOK_RETRY_DEFAULTS,
} from './webhooks/webhook-dispatcher'
export type { WebhookTarget, WebhookRetry, WebhookAttempt } from './webhooks/webhook-dispatcher'
export { buildGraphQLSchema } from './graphql/build-schema'
export { parseQuery } from './http/query-params'
export type { RequestAuth } from './server-context'
