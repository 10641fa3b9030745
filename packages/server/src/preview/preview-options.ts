import { ConfigError } from '@galley/core'

/** Options of the preview routes: `createServer({ preview: { url } })`. */
export interface PreviewServerOptions {
  /**
   * The frontend's draft-mode enable route, e.g. `http://localhost:3000/api/draft-mode/enable`.
   * When set, new secrets and shares come back with a ready `previewUrl`. Default none.
   */
  url?: string
  /** Lifetime of a secret when the request names none. Default 3600 (1 hour). */
  defaultTtlSeconds?: number
  /** Longest lifetime a secret may ask for. Default 604800 (7 days). */
  maxTtlSeconds?: number
  /** Latest `expiresAt` a shared link may have, from now. Default 31536000 (365 days). */
  maxShareTtlSeconds?: number
  /**
   * How long a draft-mode cookie made from a shared link lives (at most until the link
   * expires). Revoking a link ends the sessions made from it on their next read (their
   * reads name the link's grant); this bounds the cookie for frontends that send no grant.
   * Default 3600.
   */
  shareCookieTtlSeconds?: number
  /**
   * How long a grant found live is trusted without a new look-up when the store cannot tell
   * whether anything was committed (PostgreSQL, where another server may revoke it).
   * Revocations through the same server, and every commit on SQLite, take effect at once.
   * Default 500.
   */
  grantCacheMs?: number
  /** How often expired secrets are deleted; 0 turns the sweep off. Default 600000 (10 min). */
  sweepIntervalMs?: number
  /**
   * Wrong secrets accepted per signed-in user per window, and twice that per client address.
   * Default 20 per 15 minutes. Secrets that are not even well-formed are answered
   * `isValid: false` without counting: they are not guesses.
   *
   * Token callers are frontends validating for all their visitors with one `read:drafts`
   * token from one address, so neither limit applies to them (one visitor's junk would lock
   * every editor out); `maxTokenFailures` limits them per token when set (default none).
   * A guess needs 2²⁵⁶ tries and a token that can already read drafts. Protect the frontend
   * itself with `createDraftMode({ rateLimit })` from `@galley/preview`.
   */
  rateLimit?: { maxFailures?: number; windowMs?: number; maxTokenFailures?: number }
}

/** Defaults of {@link PreviewServerOptions}. */
export const PREVIEW_DEFAULTS = Object.freeze({
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 7 * 24 * 3600,
  maxShareTtlSeconds: 365 * 24 * 3600,
  shareCookieTtlSeconds: 3600,
  grantCacheMs: 500,
  sweepIntervalMs: 10 * 60_000,
  rateLimit: Object.freeze({ maxFailures: 20, windowMs: 15 * 60_000 }),
})

/** Preview options with every default filled in. */
export interface ResolvedPreviewOptions {
  url: string | undefined
  defaultTtlSeconds: number
  maxTtlSeconds: number
  maxShareTtlSeconds: number
  shareCookieTtlSeconds: number
  grantCacheMs: number
  sweepIntervalMs: number
  rateLimit: {
    maxFailures: number
    windowMs: number
    /** Undefined: token callers are not limited. */
    maxTokenFailures: number | undefined
  }
}

/** Fills in defaults and refuses impossible values at start-up (`ConfigError`). */
export function resolvePreviewOptions(
  options: PreviewServerOptions | undefined,
): ResolvedPreviewOptions {
  const o = options ?? {}
  const pick = <K extends keyof typeof PREVIEW_DEFAULTS>(key: K) =>
    (o[key] as (typeof PREVIEW_DEFAULTS)[K] | undefined) ?? PREVIEW_DEFAULTS[key]
  const resolved: ResolvedPreviewOptions = {
    url: o.url === undefined ? undefined : checkUrl(o.url),
    defaultTtlSeconds: pick('defaultTtlSeconds'),
    maxTtlSeconds: pick('maxTtlSeconds'),
    maxShareTtlSeconds: pick('maxShareTtlSeconds'),
    shareCookieTtlSeconds: pick('shareCookieTtlSeconds'),
    grantCacheMs: pick('grantCacheMs'),
    sweepIntervalMs: pick('sweepIntervalMs'),
    rateLimit: {
      maxFailures: o.rateLimit?.maxFailures ?? PREVIEW_DEFAULTS.rateLimit.maxFailures,
      windowMs: o.rateLimit?.windowMs ?? PREVIEW_DEFAULTS.rateLimit.windowMs,
      maxTokenFailures: o.rateLimit?.maxTokenFailures ?? undefined,
    },
  }
  const whole: Array<[string, number, number]> = [
    ['defaultTtlSeconds', resolved.defaultTtlSeconds, 1],
    ['maxTtlSeconds', resolved.maxTtlSeconds, 1],
    ['maxShareTtlSeconds', resolved.maxShareTtlSeconds, 1],
    ['shareCookieTtlSeconds', resolved.shareCookieTtlSeconds, 1],
    ['grantCacheMs', resolved.grantCacheMs, 0],
    ['sweepIntervalMs', resolved.sweepIntervalMs, 0],
    ['rateLimit.maxFailures', resolved.rateLimit.maxFailures, 1],
    ['rateLimit.windowMs', resolved.rateLimit.windowMs, 1],
  ]
  if (resolved.rateLimit.maxTokenFailures !== undefined)
    whole.push(['rateLimit.maxTokenFailures', resolved.rateLimit.maxTokenFailures, 1])
  for (const [name, value, min] of whole) {
    if (!Number.isSafeInteger(value) || value < min)
      throw new ConfigError(
        `preview.${name} must be a whole number ≥ ${min}; got ${String(value)}.`,
      )
  }
  // Issue 11: a revoked link ends its sessions within a second, on every server process.
  if (resolved.grantCacheMs > 1000)
    throw new ConfigError(
      `preview.grantCacheMs may be at most 1000: a revoked link must end its sessions within a second; got ${resolved.grantCacheMs}.`,
    )
  if (resolved.defaultTtlSeconds > resolved.maxTtlSeconds)
    throw new ConfigError('preview.defaultTtlSeconds may not exceed preview.maxTtlSeconds.')
  return resolved
}

function checkUrl(url: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new ConfigError(
      `preview.url must be the frontend's absolute http(s) enable route, e.g. https://site.example/api/draft-mode/enable; got ${JSON.stringify(String(url).slice(0, 200))}.`,
    )
  return parsed.href
}
