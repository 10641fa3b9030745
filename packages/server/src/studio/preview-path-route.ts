import type { Context } from 'hono'
import { InputError, isValidId } from '@galley/core'
import { UnauthorizedError } from '../http/http-errors'
import { parseQuery } from '../http/query-params'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'

const ROUTE = 'GET /api/schema/preview-path'

/**
 * `GET /api/schema/preview-path?collection=posts&id=…` (or `?global=settings`): the frontend
 * path the config's `preview` function gives for the draft as the caller may read it, as
 * `{ pathname }` (null when the function gives none). The Studio then asks
 * `POST /api/preview/secrets` for a secret bound to that path and opens the `previewUrl`.
 * Reading goes through the caller's access rules, so the path of a document the caller
 * may not read is never computed.
 */
export async function previewPathHandler(ctx: ServerContext, c: Context<ServerEnv>) {
  const { params } = parseQuery(searchOf(c), ['collection', 'id', 'global'], ROUTE)
  const auth = c.get('auth')
  if (auth.via === 'anonymous' || !auth.user)
    throw new UnauthorizedError('Sign in or send an API token to preview drafts.')
  const collection = params.get('collection')
  const global = params.get('global')
  if ((collection === undefined) === (global === undefined))
    throw new InputError(`${ROUTE} needs either 'collection' and 'id', or 'global'.`)
  let config
  let doc: Record<string, unknown>
  if (collection !== undefined) {
    const id = params.get('id')
    if (id === undefined || !isValidId(id))
      throw new InputError(`${ROUTE}?collection=… needs a valid document 'id'.`)
    config = ctx.ops.collection(collection)
    doc = await ctx.ops.findById(auth, collection, id, { draft: true, depth: 0 })
  } else {
    config = ctx.ops.global(global!)
    doc = await ctx.ops.findGlobal(auth, global!, { draft: true, depth: 0 })
  }
  if (!config.preview) return sendPrivate(c, { pathname: null })
  const path = await config.preview({ doc })
  if (path === null || path === undefined || path === '') return sendPrivate(c, { pathname: null })
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//'))
    throw new InputError(
      `The preview function of '${config.slug}' returned ${JSON.stringify(path).slice(0, 100)}; it must return a path starting with one '/' (e.g. '/posts/hello').`,
    )
  return sendPrivate(c, { pathname: path })
}
