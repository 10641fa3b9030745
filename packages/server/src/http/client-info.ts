/** What the server knows about where a request came from. */
export interface ClientInfo {
  /**
   * Remote address, or, when proxies are trusted, the X-Forwarded-For entry the outermost
   * trusted proxy appended (the `trustedProxyHops`-th from the right); `'unknown'` if none.
   */
  address: string
  /** Whether the client reached us over https. */
  secure: boolean
  /** The origin the client called, e.g. `https://cms.example.com`. */
  origin: string
}

/**
 * The entry of a comma-separated forwarding header that our own proxies wrote: each trusted
 * proxy appends one entry on the right, so the `hops`-th from the right is the one the
 * outermost trusted proxy saw. Everything left of it was sent by the client and proves nothing.
 */
export function forwardedEntry(value: string | null, hops: number): string | undefined {
  if (!value) return undefined
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (entries.length === 0) return undefined
  // Fewer entries than hops: every one of them came from a trusted proxy; take the farthest.
  return entries[Math.max(0, entries.length - Math.max(1, hops))]
}

/**
 * `protocol` and `host` of an absolute http(s) URL as `URL` would give them, read straight
 * from a serialized URL (a `Request`'s `url` always is one): no second parse per request.
 */
export function urlOrigin(href: string): Pick<URL, 'protocol' | 'host'> {
  const colon = href.indexOf(':')
  const start = colon + 3 // past '://'
  let end = start
  while (end < href.length && href[end] !== '/' && href[end] !== '?' && href[end] !== '#') end++
  const authority = href.slice(start, end)
  return {
    protocol: href.slice(0, colon + 1),
    host: authority.slice(authority.lastIndexOf('@') + 1),
  }
}

/**
 * Derive `ClientInfo` from the request (its parsed URL and a header reader) and, on Node,
 * the socket in `env.incoming`. `trustedProxyHops` is how many proxies you run in front of
 * the server (default 1).
 */
export function clientInfo(
  url: Pick<URL, 'protocol' | 'host'>,
  header: (name: string) => string | null | undefined,
  env: unknown,
  trustProxy: boolean,
  trustedProxyHops = 1,
): ClientInfo {
  let proto = url.protocol
  let host = url.host
  let address: string | undefined
  if (trustProxy) {
    const fwdProto = forwardedEntry(header('x-forwarded-proto') ?? null, trustedProxyHops)
    if (fwdProto === 'https' || fwdProto === 'http') proto = `${fwdProto}:`
    const fwdHost = forwardedEntry(header('x-forwarded-host') ?? null, trustedProxyHops)
    if (fwdHost) host = fwdHost
    address = forwardedEntry(header('x-forwarded-for') ?? null, trustedProxyHops)
  }
  if (!address) {
    const socket = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
      ?.incoming?.socket
    address = socket?.remoteAddress
  }
  return { address: address ?? 'unknown', secure: proto === 'https:', origin: `${proto}//${host}` }
}
