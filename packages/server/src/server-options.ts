import type { Galley } from '@galley/core'
import type { WebhookTarget, WebhookRetry } from './webhooks/webhook-dispatcher'
import type { PreviewServerOptions } from './preview/preview-options'
import type { PresentationOptions } from './presentation/presentation-options'

/** Options of `createServer`; everything but `galley` has a default in `SERVER_DEFAULTS`. */
export interface ServerOptions {
  /** The engine, from `createGalley(withAuth(config))`. */
  galley: Galley
  /** Origins allowed to call the API from a browser (credentials included). `'*'` allows any origin without credentials. Default none. */
  allowOrigins?: readonly string[]
  /** Largest request body in bytes (Content-Length and the streamed size). Default 1 MiB. */
  maxBodyBytes?: number
  /** `Cache-Control` of published, anonymous reads. Default `public, s-maxage=60, stale-while-revalidate=600`. */
  publicCacheControl?: string
  /** Header that lists a response's cache tags. Default `Cache-Tag`. */
  cacheTagHeader?: string
  /** Longest cache-tag header; past it only collection tags are sent. Default 8000 characters. */
  maxCacheTagLength?: number
  /** Receivers of cache-tag purges, signed with their `secret`. Default none. */
  webhooks?: readonly WebhookTarget[]
  /** Retry policy of webhook deliveries. */
  webhookRetry?: Partial<WebhookRetry>
  /** Session lifetime in seconds. Default 7 days. */
  sessionTtlSeconds?: number
  /** `Secure` on cookies: `'auto'` (when the request is https), `true` or `false`. Default `'auto'`. */
  secureCookies?: boolean | 'auto'
  /**
   * Failed logins allowed per address+email per window (and 6× that per address), and
   * `maxAttemptsPerEmail` per email from any address. Default 5 (and 20 per email) per 15 minutes.
   */
  loginRateLimit?: { maxAttempts?: number; windowMs?: number; maxAttemptsPerEmail?: number }
  /**
   * Trust `X-Forwarded-For` / `-Proto` / `-Host` (behind a proxy you run). The client's address
   * is then the entry your outermost proxy appended: the `trustedProxyHops`-th from the right,
   * never the client-written left end. Default false.
   */
  trustProxy?: boolean
  /** How many proxies you run in front of the server (each appends one X-Forwarded-For entry). Default 1. */
  trustedProxyHops?: number
  /**
   * Limits of GraphQL documents. Default depth 12, 2000 fields, 1000 tokens. Refusing a
   * document costs up to ~10 µs of CPU per token on a slow 2 GHz core (graphql-js validates
   * every node), so a larger `maxTokens` makes every refusal dearer.
   */
  graphql?: { maxDepth?: number; maxFields?: number; maxTokens?: number }
  /** Where unexpected errors are logged. Default `console`. */
  logger?: Pick<Console, 'error' | 'warn'>
  /** `fetch` used for webhook deliveries (tests, proxies). Default the global fetch. */
  fetch?: typeof fetch
  /** Preview secrets and shared links: `url` is the frontend's enable route, for ready preview URLs. */
  preview?: PreviewServerOptions
  /** The Studio's presentation view: the frontend's URL, allowed origins, document paths. Default off. */
  presentation?: PresentationOptions
  /**
   * In-memory cache of REST reads (collection lists, documents, globals) and of the callers
   * that tokens and session cookies stand for, dropped on every commit to the store (by any
   * process); `false` turns both off. Only stores with a data version (SQLite) cache.
   * Default `{ maxBytes: 32 MiB }`; entries above a 16th of it are not kept.
   * @example createServer({ galley, responseCache: { maxBytes: 8 * 1024 * 1024 } })
   */
  responseCache?: false | { maxBytes?: number }
}

export const SERVER_DEFAULTS = Object.freeze({
  allowOrigins: Object.freeze([]) as readonly string[],
  maxBodyBytes: 1024 * 1024,
  publicCacheControl: 'public, s-maxage=60, stale-while-revalidate=600',
  cacheTagHeader: 'Cache-Tag',
  maxCacheTagLength: 8000,
  webhooks: Object.freeze([]) as readonly WebhookTarget[],
  sessionTtlSeconds: 7 * 24 * 3600,
  secureCookies: 'auto' as boolean | 'auto',
  loginRateLimit: Object.freeze({ maxAttempts: 5, windowMs: 15 * 60_000 }),
  trustProxy: false,
  trustedProxyHops: 1,
  graphql: Object.freeze({ maxDepth: 12, maxFields: 2000, maxTokens: 1000 }),
  responseCache: Object.freeze({ maxBytes: 32 * 1024 * 1024 }),
})

/** Options after defaults are applied. */
export type ResolvedServerOptions = Required<
  Omit<
    ServerOptions,
    | 'webhookRetry'
    | 'fetch'
    | 'logger'
    | 'loginRateLimit'
    | 'graphql'
    | 'preview'
    | 'presentation'
    | 'responseCache'
  >
> & {
  webhookRetry: Partial<WebhookRetry>
  fetch: typeof fetch
  logger: Pick<Console, 'error' | 'warn'>
  loginRateLimit: { maxAttempts: number; windowMs: number; maxAttemptsPerEmail: number }
  graphql: { maxDepth: number; maxFields: number; maxTokens: number }
  preview?: PreviewServerOptions
  presentation?: PresentationOptions
  responseCache: false | { maxBytes: number }
}

export function resolveOptions(options: ServerOptions): ResolvedServerOptions {
  return {
    ...SERVER_DEFAULTS,
    ...stripUndefined(options),
    webhookRetry: options.webhookRetry ?? {},
    fetch: options.fetch ?? ((...args) => fetch(...args)),
    logger: options.logger ?? console,
    loginRateLimit: loginLimits(options.loginRateLimit),
    graphql: { ...SERVER_DEFAULTS.graphql, ...stripUndefined(options.graphql ?? {}) },
    responseCache:
      options.responseCache === false
        ? false
        : { ...SERVER_DEFAULTS.responseCache, ...stripUndefined(options.responseCache ?? {}) },
  } as ResolvedServerOptions
}

function loginLimits(
  given: ServerOptions['loginRateLimit'],
): ResolvedServerOptions['loginRateLimit'] {
  const base = { ...SERVER_DEFAULTS.loginRateLimit, ...stripUndefined(given ?? {}) }
  return { ...base, maxAttemptsPerEmail: given?.maxAttemptsPerEmail ?? base.maxAttempts * 4 }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
