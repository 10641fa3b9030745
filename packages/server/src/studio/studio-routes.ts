import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import type { ServerEnv } from '../server-context'
import { studioAssets } from './studio-assets'

export { schemaRoute } from './schema-route'

/**
 * Where the built Studio is. The published package ships it in `dist/studio/`, beside this
 * module's bundle (`npm pack` copies it there); from the sources in this repository it is
 * `@galley/studio`'s own build (`packages/studio/dist`), loaded only then.
 */
const STUDIO_DIR = import.meta.url.endsWith('.js')
  ? fileURLToPath(new URL('studio', import.meta.url))
  : (await import('@galley/studio')).STUDIO_DIST

/**
 * The Studio at `/admin`. Served on the API's own origin, so the session cookie and CSRF
 * token work as they are.
 */
export function studioRoutes(dir: string = STUDIO_DIR): Hono<ServerEnv> {
  return studioAssets(dir)
}
