/**
 * Fixed-window failure counter per key, in memory and bounded: the oldest keys are
 * dropped past `maxKeys`. One process only; behind several servers put a limit at the
 * proxy as well.
 * @example const limiter = new RateLimiter({ max: 5, windowMs: 900_000 })
 */
export class RateLimiter {
  readonly #max: number
  readonly #windowMs: number
  readonly #maxKeys: number
  readonly #hits = new Map<string, { count: number; resetAt: number }>()
  readonly #now: () => number

  constructor(options: { max: number; windowMs: number; maxKeys?: number; now?: () => number }) {
    this.#max = options.max
    this.#windowMs = options.windowMs
    this.#maxKeys = options.maxKeys ?? 10_000
    this.#now = options.now ?? Date.now
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const e = this.#entry(key)
    if (!e || e.count < this.#max) return 0
    return Math.max(1, Math.ceil((e.resetAt - this.#now()) / 1000))
  }

  /** Count a failure for `key`. */
  fail(key: string): void {
    const e = this.#entry(key)
    if (e) {
      e.count++
      return
    }
    if (this.#hits.size >= this.#maxKeys) this.#hits.delete(this.#hits.keys().next().value!)
    this.#hits.set(key, { count: 1, resetAt: this.#now() + this.#windowMs })
  }

  /** Take back one counted failure (an attempt that turned out fine). */
  forgive(key: string): void {
    const e = this.#entry(key)
    if (e && --e.count <= 0) this.#hits.delete(key)
  }

  reset(key: string): void {
    this.#hits.delete(key)
  }

  #entry(key: string) {
    const e = this.#hits.get(key)
    if (e && e.resetAt <= this.#now()) {
      this.#hits.delete(key)
      return undefined
    }
    return e
  }
}
