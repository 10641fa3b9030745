import type { RenderedRead } from '../cache/cache-entries'
import { ifNoneMatchHits } from './cache-headers'

/**
 * A rendered read as a response: a 304 when `If-None-Match` names its ETag, else the 200.
 * Each response gets its own headers object: adapters may add to it (Content-Length).
 */
export function sendRead(read: RenderedRead, ifNoneMatch: string | undefined): Response {
  if (read.etag !== undefined && ifNoneMatchHits(ifNoneMatch, read.etag))
    return new Response(null, { status: 304, headers: { ...read.notModified } })
  return new Response(read.body, { status: 200, headers: { ...read.headers } })
}
