import type { Hono } from 'hono'
import { STUDIO_DIST } from '@galley/studio'
import type { ServerEnv } from '../server-context'
import { studioAssets } from './studio-assets'

export { schemaRoute } from './schema-route'

/**
 * The Studio at `/admin`, from `@galley/studio`'s build (`packages/studio/dist`). Served on
 * the API's own origin, so the session cookie and CSRF token work as they are.
 */
export function studioRoutes(dir: string = STUDIO_DIST): Hono<ServerEnv> {
  return studioAssets(dir)
}
