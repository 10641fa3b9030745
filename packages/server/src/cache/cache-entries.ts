import type { RequestAuth } from '../auth/request-auth'

/** A read's 200 response, as sent and as the response cache keeps it. */
export interface RenderedRead {
  body: Uint8Array<ArrayBuffer>
  /** Every header of the 200, CORS of the request's origin included. */
  headers: Readonly<Record<string, string>>
  /** Public reads: the strong ETag, and the headers of a 304. */
  etag?: string
  notModified?: Readonly<Record<string, string>>
}

/** A caller resolved from a token or session cookie, and until when that holds (ms since epoch). */
export interface CachedPrincipal {
  auth: RequestAuth
  expiresMs: number
}
