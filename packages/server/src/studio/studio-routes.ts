import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import type { ServerEnv } from '../server-context'
import { studioAssets } from './studio-assets'

export { schemaRoute } from './schema-route'

/** Defined (true) by the package build (scripts/build-packages.ts); absent in the sources. */
declare const __GALLEY_BUILT__: boolean | undefined

/**
 * Where the built Studio is. The published package ships it in `dist/studio/`, beside this
 * module's bundle (`npm pack` copies it there); from the sources in this repository it is
 * `@galley/studio`'s own build (`packages/studio/dist`). The build drops the other branch,
 * import included, so an app bundling the server never looks for `@galley/studio`.
 */
const STUDIO_DIR =
  typeof __GALLEY_BUILT__ !== 'undefined'
    ? fileURLToPath(new URL('studio', import.meta.url))
    : (await import('@galley/studio')).STUDIO_DIST

/**
 * The Studio at `/admin`. Served on the API's own origin, so the session cookie and CSRF
 * token work as they are.
 */
export function studioRoutes(dir: string = STUDIO_DIR): Hono<ServerEnv> {
  return studioAssets(dir)
}
