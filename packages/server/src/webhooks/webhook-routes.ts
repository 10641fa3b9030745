import { Hono } from 'hono'
import { ForbiddenError } from '@galley/core'
import { hasRole } from '../auth/roles'
import { UnauthorizedError } from '../http/http-errors'
import { intParam, parseQuery } from '../http/query-params'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'

/** `GET /webhooks/deliveries` (admins only): every recorded attempt, newest first. */
export function webhookRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  app.get('/deliveries', (c) => {
    const { params } = parseQuery(searchOf(c), ['limit'], 'GET /api/webhooks/deliveries')
    const auth = c.get('auth')
    if (!auth.user && auth.via === 'anonymous')
      throw new UnauthorizedError('Sign in as an admin to see webhook deliveries.')
    if (auth.via !== 'session' || !hasRole(auth.user, 'admin'))
      throw new ForbiddenError('Only admins (signed in) may see webhook deliveries.')
    const limit = Math.min(Math.max(intParam(params, 'limit') ?? 100, 1), 1000)
    const all = ctx.webhooks.deliveries()
    return sendPrivate(c, { deliveries: all.slice(0, limit), total: all.length })
  })
  return app
}
