import type { Context } from 'hono'
import { resolvePerspective } from '@galley/core'
import type { RequestAuth, ServerContext } from '../server-context'
import { formatTagHeader } from '../operations/cache-tags'
import { sendPrivate, sendPublic } from '../http/respond'

/**
 * Whether a read may be cached publicly: the `published` perspective, read by an
 * anonymous-equivalent caller (no user: anonymous or a `read:published` token), so every
 * caller who could be served the cached copy is allowed to see it.
 */
export function isPublicRead(
  auth: RequestAuth,
  perspective: string | undefined,
  draft: boolean | undefined,
): boolean {
  return auth.user === null && resolvePerspective(perspective, draft).kind === 'published'
}

/** Send a read with the right caching: public with ETag and tags, or private. */
export function sendRead(
  ctx: ServerContext,
  c: Context,
  body: unknown,
  isPublic: boolean,
  tags: () => string[],
): Response {
  if (!isPublic) return sendPrivate(c, body)
  return sendPublic(c, body, {
    cacheControl: ctx.options.publicCacheControl,
    tagHeader: ctx.options.cacheTagHeader,
    tags: formatTagHeader(tags(), ctx.options.maxCacheTagLength),
  })
}
