/** Cookie of the session id (HttpOnly). On https it carries the `__Host-` prefix, which pins it to this host and path. */
export const SESSION_COOKIE = 'galley_session'
/** Cookie holding the CSRF token for browser code to echo in `X-CSRF-Token` (readable by scripts on purpose). */
export const CSRF_COOKIE = 'galley_csrf'
export const CSRF_HEADER = 'X-CSRF-Token'

/** Read one cookie from a `Cookie` header (first occurrence wins). */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    if (part.slice(0, i).trim() === name) {
      const raw = part.slice(i + 1).trim()
      try {
        return decodeURIComponent(raw)
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** Name of the session cookie for a request's scheme. */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE
}

/** A `Set-Cookie` value; `maxAge` 0 deletes the cookie. */
export function serializeCookie(
  name: string,
  value: string,
  opts: { maxAge: number; httpOnly: boolean; secure: boolean },
): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAge))}`,
    'SameSite=Lax',
  ]
  if (opts.httpOnly) parts.push('HttpOnly')
  if (opts.secure) parts.push('Secure')
  return parts.join('; ')
}
