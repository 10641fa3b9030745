/** Options of the per-visitor limit of `createDraftMode({ rateLimit })`. */
export interface VisitorRateLimit {
  /** Failed enables (invalid, expired or missing secrets) allowed per visitor per window. Default 10. */
  maxFailures?: number
  /** Default 900000 (15 minutes). */
  windowMs?: number
  /**
   * The visitor's address, from your runtime: e.g. `(req) => req.headers.get('cf-connecting-ip')`,
   * or the socket address your adapter knows. Wins over `trustProxy`.
   */
  getClientAddress?: (request: Request) => string | null | undefined
  /**
   * Read the address from `X-Forwarded-For`, behind proxies you run: `true` for one proxy
   * (the rightmost entry), or how many proxies append to it (the n-th entry from the right).
   * The left end is written by the client and is never used.
   */
  trustProxy?: boolean | number
  /** Visitors remembered at once; the oldest are dropped past it. Default 10000. */
  maxKeys?: number
}

/** A per-visitor fixed-window failure counter, in memory (one process). */
export interface VisitorLimiter {
  /** The visitor's key, or null when no address could be found (then nothing is limited). */
  keyOf(request: Request): string | null
  /** Seconds until `key` may try again, or 0. */
  retryAfter(key: string): number
  fail(key: string): void
  forgive(key: string): void
}

/** Builds the limiter; throws a `TypeError` when it could never tell visitors apart. */
export function createVisitorLimiter(options: VisitorRateLimit): VisitorLimiter {
  const max = options.maxFailures ?? 10
  const windowMs = options.windowMs ?? 15 * 60_000
  const maxKeys = options.maxKeys ?? 10_000
  for (const [name, value] of [
    ['maxFailures', max],
    ['windowMs', windowMs],
    ['maxKeys', maxKeys],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TypeError(`createDraftMode: rateLimit.${name} must be a whole number ≥ 1.`)
  }
  const hops =
    options.trustProxy === true
      ? 1
      : typeof options.trustProxy === 'number'
        ? options.trustProxy
        : 0
  if (!Number.isSafeInteger(hops) || hops < 0)
    throw new TypeError(
      'createDraftMode: rateLimit.trustProxy must be true, false or a whole number of proxies.',
    )
  const { getClientAddress } = options
  if (getClientAddress !== undefined && typeof getClientAddress !== 'function')
    throw new TypeError('createDraftMode: rateLimit.getClientAddress must be a function.')
  if (!getClientAddress && hops === 0)
    throw new TypeError(
      'createDraftMode: rateLimit needs getClientAddress(request) or trustProxy to tell visitors apart ' +
        '(a Web Request carries no client address).',
    )

  const hits = new Map<string, { count: number; resetAt: number }>()
  const entry = (key: string) => {
    const e = hits.get(key)
    if (e && e.resetAt <= Date.now()) {
      hits.delete(key)
      return undefined
    }
    return e
  }

  return {
    keyOf(request) {
      const given = getClientAddress?.(request)
      if (typeof given === 'string' && given.trim() !== '') return given.trim()
      if (hops === 0) return null
      const entries = (request.headers.get('x-forwarded-for') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      if (entries.length === 0) return null
      return entries[Math.max(0, entries.length - hops)]!
    },
    retryAfter(key) {
      const e = entry(key)
      if (!e || e.count < max) return 0
      return Math.max(1, Math.ceil((e.resetAt - Date.now()) / 1000))
    },
    fail(key) {
      const e = entry(key)
      if (e) {
        e.count++
        return
      }
      if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!)
      hits.set(key, { count: 1, resetAt: Date.now() + windowMs })
    },
    forgive(key) {
      const e = entry(key)
      if (e && --e.count <= 0) hits.delete(key)
    },
  }
}
