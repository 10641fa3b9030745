import type { Context } from 'hono'
import { PRIVATE_CACHE, etagOf, ifNoneMatchHits } from './cache-headers'
import { requestHeader } from './request-headers'

/** A JSON response no shared cache may keep: drafts, other perspectives, signed-in callers, writes, errors. */
export function sendPrivate(
  c: Context,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...PRIVATE_CACHE, ...headers },
  })
}

/**
 * A published read for an anonymous-equivalent caller: cacheable by CDNs, with a strong
 * ETag over the body, the cache-tag header, and 304 when `If-None-Match` matches.
 */
export function sendPublic(
  c: Context,
  body: unknown,
  opts: { cacheControl: string; tagHeader: string; tags: string },
): Response {
  const text = JSON.stringify(body)
  const etag = etagOf(text)
  const headers: Record<string, string> = { ETag: etag, 'Cache-Control': opts.cacheControl }
  if (opts.tags) headers[opts.tagHeader] = opts.tags
  if (ifNoneMatchHits(requestHeader(c, 'if-none-match'), etag))
    return new Response(null, { status: 304, headers })
  return new Response(text, {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  })
}
