import type { Context, Handler } from 'hono'
import { resolvePerspective } from '@galley/core'
import type { RequestAuth } from '../auth/request-auth'
import type { RenderedRead } from '../cache/cache-entries'
import { formatTagHeader } from '../cache/cache-tags'
import { PRIVATE_CACHE, etagOf } from '../http/cache-headers'
import { addCors, type CorsHeaders } from '../http/cors'
import { booleanParam, intParam } from '../http/query-params'
import { sendRead } from '../http/send-read'
import type { ServerContext, ServerEnv } from '../server-context'

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

/**
 * The read arguments every GET route takes from its query (`perspective`, `draft`,
 * `depth`), and whether its answer may be cached publicly for this caller.
 */
export function readArgs(
  auth: RequestAuth,
  params: Map<string, string>,
): {
  args: { perspective: string | undefined; draft: boolean | undefined; depth: number | undefined }
  isPublic: boolean
} {
  const perspective = params.get('perspective')
  const draft = booleanParam(params, 'draft')
  return {
    args: { perspective, draft, depth: intParam(params, 'depth') },
    isPublic: isPublicRead(auth, perspective, draft),
  }
}

/** What a read route found, before it becomes a response. */
export interface ReadResult {
  body: unknown
  /** Whether shared caches may keep it (see `isPublicRead`). */
  isPublic: boolean
  /** Cache tags of a public read, asked for only when it is public. */
  tags: () => string[]
}

const JSON_TYPE = 'application/json; charset=utf-8'
const encoder = new TextEncoder()

/**
 * A GET route that reads: `produce` finds the content, this sends it with the right caching
 * headers (public with ETag, cache tags and 304 on `If-None-Match`, or private) and offers
 * it to the response cache middleware as `c.var.read`.
 */
export function readRoute<P extends string>(
  ctx: ServerContext,
  produce: (c: Context<ServerEnv, P>) => Promise<ReadResult>,
): Handler<ServerEnv, P> {
  return async (c) => {
    const read = render(ctx, await produce(c), c.get('cors'))
    c.set('read', read)
    return sendRead(read, c.req.header('if-none-match'))
  }
}

function render(ctx: ServerContext, read: ReadResult, cors: CorsHeaders | undefined): RenderedRead {
  const text = JSON.stringify(read.body)
  if (!read.isPublic)
    return {
      body: encoder.encode(text),
      headers: addCors({ 'Content-Type': JSON_TYPE, ...PRIVATE_CACHE }, cors),
    }
  const etag = etagOf(text)
  const notModified: Record<string, string> = {
    ETag: etag,
    'Cache-Control': ctx.options.publicCacheControl,
  }
  const tags = formatTagHeader(read.tags(), ctx.options.maxCacheTagLength)
  if (tags) notModified[ctx.options.cacheTagHeader] = tags
  return {
    body: encoder.encode(text),
    headers: addCors({ 'Content-Type': JSON_TYPE, ...notModified }, cors),
    etag,
    notModified: addCors(notModified, cors),
  }
}
