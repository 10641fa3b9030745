import { Hono } from 'hono'
import type { StudioSchema } from '@galley/studio'
import { UnauthorizedError } from '../http/http-errors'
import { parseQuery } from '../http/query-params'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'
import { describeSchema } from './describe-schema'
import { peopleHandler } from './people-route'
import { previewPathHandler } from './preview-path-route'

/**
 * `GET /api/schema`: what the Studio renders — collections and globals with their fields,
 * version settings and the caller's permissions. Signed-in users and API tokens only: the
 * shape of unpublished content is not public.
 */
export function schemaRoute(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  app.get('/preview-path', (c) => previewPathHandler(ctx, c))
  app.get('/people', (c) => peopleHandler(ctx, c))
  app.get('/', async (c) => {
    parseQuery(searchOf(c), [], 'GET /api/schema')
    const auth = c.get('auth')
    if (auth.via === 'anonymous' || !auth.user)
      throw new UnauthorizedError(
        'Sign in (POST /api/auth/login) or send an API token to read the schema.',
      )
    const u = auth.user
    const body: StudioSchema = {
      ...(await describeSchema(ctx.galley, u)),
      // Whether "Open preview" can work: the server knows the frontend's draft-mode route.
      previewUrl: !!ctx.options.preview?.url,
      user: {
        id: u.id,
        email: u.email,
        name: u.name ?? null,
        role: u.role,
        kind: u.kind,
      },
    }
    return sendPrivate(c, body)
  })
  return app
}
