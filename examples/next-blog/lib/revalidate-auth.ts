import 'server-only'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Whether a revalidation request is genuine. A Galley webhook signs its body:
 * `X-Galley-Signature: sha256=<hex HMAC-SHA256(body, secret)>`; when that header is present it
 * must match. Without it (a manual purge with curl) `Authorization: Bearer <secret>` must.
 * Both compare in constant time.
 */
export function isAuthorizedRevalidation(headers: Headers, body: string, secret: string): boolean {
  const signature = headers.get('x-galley-signature')
  if (signature !== null) {
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
    return constantTimeEqual(signature.trim().toLowerCase(), expected)
  }
  const match = /^Bearer +(\S+) *$/i.exec(headers.get('authorization') ?? '')
  return match !== null && constantTimeEqual(match[1], secret)
}

/** Compares digests of both sides, so neither the content nor the length leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(a), digest(b))
}
