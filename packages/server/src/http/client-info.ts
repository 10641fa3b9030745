/** What the server knows about where a request came from. */
export interface ClientInfo {
  /** Remote address (or the first X-Forwarded-For hop when proxies are trusted); `'unknown'` if none. */
  address: string
  /** Whether the client reached us over https. */
  secure: boolean
  /** The origin the client called, e.g. `https://cms.example.com`. */
  origin: string
}

/** Derive `ClientInfo` from the Web request and, on Node, the socket in `env.incoming`. */
export function clientInfo(req: Request, env: unknown, trustProxy: boolean): ClientInfo {
  const url = new URL(req.url)
  let proto = url.protocol
  let host = url.host
  let address: string | undefined
  if (trustProxy) {
    const fwdProto = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
    if (fwdProto === 'https' || fwdProto === 'http') proto = `${fwdProto}:`
    const fwdHost = req.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
    if (fwdHost) host = fwdHost
    address = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || undefined
  }
  if (!address) {
    const socket = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
      ?.incoming?.socket
    address = socket?.remoteAddress
  }
  return { address: address ?? 'unknown', secure: proto === 'https:', origin: `${proto}//${host}` }
}
