import { createHmac, randomUUID } from 'node:crypto'

/** A receiver of cache purges. Deliveries are signed with `secret`. */
export interface WebhookTarget {
  url: string
  secret: string
}

/** How failed deliveries are retried: `attempts` in all, waiting `baseDelayMs · 2^(n-1)` (capped) between them. */
export interface WebhookRetry {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** Per-attempt timeout. */
  timeoutMs: number
}

export const WEBHOOK_RETRY_DEFAULTS: Readonly<WebhookRetry> = Object.freeze({
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
})

/** One delivery attempt, as recorded. */
export interface WebhookAttempt {
  deliveryId: string
  url: string
  event: string
  tags: string[]
  attempt: number
  /** HTTP status of the receiver's answer, or null when none came (network error, timeout). */
  status: number | null
  ok: boolean
  error: string | null
  at: string
  durationMs: number
  /** When the next attempt is due, or null when this was the last. */
  nextAttemptAt: string | null
}

/** The signature header value of a body: `sha256=<hex HMAC-SHA256>`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/**
 * Sends `{ event, tags, at }` to every configured receiver, signed in `X-Galley-Signature`,
 * retrying non-2xx answers and network errors with exponential backoff. Every attempt is
 * kept (the newest `keep`, in memory) for `GET /api/webhooks/deliveries`.
 */
export class WebhookDispatcher {
  readonly #targets: readonly WebhookTarget[]
  readonly #retry: WebhookRetry
  readonly #fetch: typeof fetch
  readonly #logger: Pick<Console, 'warn'>
  readonly #log: WebhookAttempt[] = []
  readonly #keep: number
  readonly #pending = new Set<Promise<void>>()
  readonly #sleepers = new Map<ReturnType<typeof setTimeout>, (woke: boolean) => void>()
  #closed = false

  constructor(options: {
    targets: readonly WebhookTarget[]
    retry?: Partial<WebhookRetry>
    fetch: typeof fetch
    logger: Pick<Console, 'warn'>
    keep?: number
  }) {
    for (const t of options.targets) {
      if (!t || typeof t.url !== 'string' || !/^https?:\/\//.test(t.url))
        throw new TypeError(`webhooks: url must be an http(s) URL; got ${JSON.stringify(t?.url)}.`)
      if (typeof t.secret !== 'string' || t.secret.length < 16)
        throw new TypeError(`webhooks: secret of ${t.url} must be at least 16 characters.`)
    }
    this.#targets = options.targets
    this.#retry = { ...WEBHOOK_RETRY_DEFAULTS, ...options.retry }
    this.#fetch = options.fetch
    this.#logger = options.logger
    this.#keep = options.keep ?? 1000
  }

  /** Queue a purge of `tags` to every receiver; returns at once. */
  emit(event: string, tags: string[]): void {
    if (this.#closed || this.#targets.length === 0 || tags.length === 0) return
    const body = JSON.stringify({ event, tags, at: new Date().toISOString() })
    for (const target of this.#targets)
      this.#track(this.#deliver(target, event, tags, body, randomUUID()))
  }

  /** Recorded attempts, newest first. */
  deliveries(): WebhookAttempt[] {
    return [...this.#log].reverse()
  }

  /** Resolves when no delivery is in flight or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending])
  }

  /** Stop retrying; deliveries in flight finish. */
  close(): void {
    this.#closed = true
    for (const [t, wake] of this.#sleepers) {
      clearTimeout(t)
      wake(false)
    }
    this.#sleepers.clear()
  }

  #track(p: Promise<void>): void {
    this.#pending.add(p)
    void p.finally(() => this.#pending.delete(p))
  }

  async #deliver(
    target: WebhookTarget,
    event: string,
    tags: string[],
    body: string,
    deliveryId: string,
  ): Promise<void> {
    for (let attempt = 1; attempt <= this.#retry.attempts; attempt++) {
      const started = Date.now()
      let status: number | null = null
      let error: string | null = null
      try {
        const res = await this.#fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'Galley-Webhook/1',
            'X-Galley-Event': event,
            'X-Galley-Delivery': deliveryId,
            'X-Galley-Signature': signWebhook(body, target.secret),
          },
          body,
          signal: AbortSignal.timeout(this.#retry.timeoutMs),
          redirect: 'manual',
        })
        status = res.status
        await res.body?.cancel().catch(() => {})
        if (!res.ok) error = `Receiver answered ${res.status}.`
      } catch (err) {
        error =
          (err as Error).name === 'TimeoutError'
            ? `No answer within ${this.#retry.timeoutMs} ms.`
            : `Request failed: ${(err as Error).message}`
      }
      const ok = error === null
      const last = ok || attempt === this.#retry.attempts || this.#closed
      const delay = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1))
      this.#record({
        deliveryId,
        url: target.url,
        event,
        tags,
        attempt,
        status,
        ok,
        error,
        at: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        nextAttemptAt: last ? null : new Date(Date.now() + delay).toISOString(),
      })
      if (ok) return
      if (last) {
        this.#logger.warn(
          `[galley] webhook ${target.url} failed after ${attempt} attempt(s): ${error}`,
        )
        return
      }
      const waited = await this.#sleep(delay)
      if (!waited) return
    }
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve(false)
      const t = setTimeout(() => {
        this.#sleepers.delete(t)
        resolve(true)
      }, ms)
      this.#sleepers.set(t, resolve)
    })
  }

  #record(a: WebhookAttempt): void {
    this.#log.push(a)
    if (this.#log.length > this.#keep) this.#log.splice(0, this.#log.length - this.#keep)
  }
}
