import { sha256Base64url } from './sha256'

/** Headers of every response that must not be stored by a shared cache. */
export const PRIVATE_CACHE = Object.freeze({
  'Cache-Control': 'private, no-store',
  Vary: 'Authorization, Cookie',
})

/** A strong ETag: the SHA-256 of the exact body bytes, base64url, quoted. */
export function etagOf(body: string): string {
  return `"${sha256Base64url(body).slice(0, 32)}"`
}

/** Whether an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 asks for GET). */
export function ifNoneMatchHits(header: string | null | undefined, etag: string): boolean {
  if (!header) return false
  const strip = (t: string) => t.trim().replace(/^W\//, '')
  const want = strip(etag)
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === want)
}

/** Add a token to the `Vary` header without repeating one that is there. */
export function appendVary(headers: Headers, ...names: string[]): void {
  const have = (headers.get('Vary') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const n of names) if (!have.some((h) => h.toLowerCase() === n.toLowerCase())) have.push(n)
  headers.set('Vary', have.join(', '))
}
