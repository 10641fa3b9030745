/** Attributes every draft-mode cookie gets: it must survive a cross-site Studio iframe. */
const BASE_ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=None'
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Whether `name` is a legal cookie name (an RFC 7230 token). */
export function isCookieName(name: string): boolean {
  return TOKEN.test(name)
}

/** Every value the `Cookie` header carries for `name` (a partitioned and a plain one may both come). */
export function readCookieValues(header: string | null, name: string): string[] {
  if (!header) return []
  const values: string[] = []
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    let value = pair.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1)
    values.push(value)
  }
  return values
}

/** Whether the request is a navigation inside an iframe, where the cookie must be `Partitioned`. */
export function isIframeRequest(request: Request): boolean {
  return request.headers.get('sec-fetch-dest')?.toLowerCase() === 'iframe'
}

/** A `Set-Cookie` value that stores `value` until `expiresAt`. */
export function serializeCookie(
  name: string,
  value: string,
  options: { expiresAt: Date; partitioned: boolean },
): string {
  const maxAge = Math.max(0, Math.floor((options.expiresAt.getTime() - Date.now()) / 1000))
  return (
    `${name}=${value}; ${BASE_ATTRIBUTES}; Expires=${options.expiresAt.toUTCString()}; ` +
    `Max-Age=${maxAge}${options.partitioned ? '; Partitioned' : ''}`
  )
}

/** A `Set-Cookie` value that deletes the cookie (the partitioned and plain jars are separate). */
export function serializeClearedCookie(name: string, options: { partitioned: boolean }): string {
  return (
    `${name}=; ${BASE_ATTRIBUTES}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0` +
    (options.partitioned ? '; Partitioned' : '')
  )
}
