import {
  isCookieName,
  isIframeRequest,
  readCookieValues,
  serializeClearedCookie,
  serializeCookie,
} from './cookie-header'
import { createCookieSigner, type CookieSecret } from './cookie-signer'
import { enableFailure, failureOfError, type EnableFailure } from './enable-failure'
import { PREVIEW_PARAMS, SECRET_PARAMS } from './preview-params'
import type { PreviewPerspective } from './preview-perspective'
import { sanitizeRedirect, withBypassParams } from './sanitize-redirect'
import { validatePreviewUrl, type PreviewValidationClient } from './validate-preview-url'
import { createVisitorLimiter, type VisitorRateLimit } from './visitor-limiter'

/** What a {@link ResolvePath} hook is told about a validated preview request. */
export interface ResolvePathParams {
  /** The requested `galley-preview-pathname`, already sanitised (`/` when absent). */
  pathname: string
  perspective: PreviewPerspective
  /** The enable URL's query parameters, without the secret ones. */
  searchParams: URLSearchParams
}

/**
 * Looks up the document a preview asks for and returns the path to send the editor to, or
 * `null` when there is none (the answer is then 404 and no cookie is set). Runs only after
 * the secret is valid; its result is sanitised like any other target.
 */
export type ResolvePath = (
  request: Request,
  params: ResolvePathParams,
) => string | null | undefined | Promise<string | null | undefined>

/** Options of {@link createDraftMode}. */
export interface DraftModeOptions {
  /** Anything that can ask the Galley server to validate a preview secret. */
  client: PreviewValidationClient
  /** At least 32 random characters, used for nothing else; a list rotates keys (first signs). */
  cookieSecret: CookieSecret
  /** Default `__galley_draft`. */
  cookieName?: string
  resolvePath?: ResolvePath
  /**
   * Limit failed enables per visitor, before the Galley server is asked: the server sees
   * only this frontend's token and address, so it cannot tell one visitor's junk from an
   * editor's preview. Needs `getClientAddress` or `trustProxy`. Default off.
   *
   * @example rateLimit: { maxFailures: 10, trustProxy: true }
   */
  rateLimit?: VisitorRateLimit
  /**
   * Where refused enables are logged, one line each naming the cause (no token, token
   * refused, server unreachable, secret unknown or expired, path not found …), never the
   * secret. Default `console`.
   */
  logger?: Pick<Console, 'warn' | 'error'>
}

/**
 * Whether a request is in draft mode, with which perspective, and the grant to pass to the
 * client as `previewGrant` (so that revoking the link ends the session; null when the
 * Galley server named none).
 */
export type DraftModeState =
  | { isEnabled: true; perspective: PreviewPerspective; expiresAt: Date; grant: string | null }
  | { isEnabled: false; perspective: 'published'; expiresAt: null; grant: null }

/** Draft-mode endpoints and the per-request check, on Web `Request`/`Response`. */
export interface DraftMode {
  readonly cookieName: string
  /** GET: validates the secret, sets the signed cookie, 307 to the sanitised target. */
  enable(request: Request): Promise<Response>
  /** POST: clears the cookie (200, or 303 to a sanitised `?redirect=`); other methods get 405. */
  disable(request: Request): Promise<Response>
  /** Reads the cookie, checking its signature and expiry; never throws. */
  get(request: Request | Headers): Promise<DraftModeState>
  /**
   * `Set-Cookie` values that end draft mode (the plain and the partitioned cookie), for a
   * response sent after a read failed with `PREVIEW_ENDED` (see {@link isPreviewEnded}).
   */
  clearingCookies(): string[]
}

const DEFAULTS = Object.freeze({ cookieName: '__galley_draft' })

const DISABLED: DraftModeState = Object.freeze({
  isEnabled: false,
  perspective: 'published',
  expiresAt: null,
  grant: null,
})

/**
 * Whether an error from a preview read says the session's grant was revoked or expired
 * (`PREVIEW_ENDED` from the Galley server, as `@galley/client` throws it): show published
 * content and send {@link DraftMode.clearingCookies}.
 * @example catch (e) { if (isPreviewEnded(e)) return showPublished() }
 */
export function isPreviewEnded(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'PREVIEW_ENDED'
}

/**
 * Creates the draft-mode handlers. Throws at once when `cookieSecret` is weak.
 *
 * @example
 * const draftMode = createDraftMode({ client, cookieSecret: process.env.DRAFT_COOKIE_SECRET! })
 * // GET /api/draft-mode/enable  -> draftMode.enable(request)
 * // POST /api/draft-mode/disable -> draftMode.disable(request)
 * const { isEnabled, perspective } = await draftMode.get(request)
 */
export function createDraftMode(options: DraftModeOptions): DraftMode {
  const { client, cookieSecret, cookieName, resolvePath, rateLimit } = { ...DEFAULTS, ...options }
  const logger = options.logger ?? console
  if (!client || typeof client.validatePreviewSecret !== 'function') {
    throw new TypeError(
      'createDraftMode: `client` must have a validatePreviewSecret(secret) method.',
    )
  }
  if (!isCookieName(cookieName)) {
    throw new TypeError(`createDraftMode: cookieName "${cookieName}" is not a valid cookie name.`)
  }
  const signer = createCookieSigner(cookieSecret)
  const limiter = rateLimit ? createVisitorLimiter(rateLimit) : null
  const clearingCookies = () => [
    // Partitioned and unpartitioned cookies live in separate jars: clear both.
    serializeClearedCookie(cookieName, { partitioned: false }),
    serializeClearedCookie(cookieName, { partitioned: true }),
  ]
  const refuse = (failure: EnableFailure, extra: Record<string, string> = {}): Response => {
    const detail = failure.detail ? ` (${failure.detail})` : ''
    logger[failure.level](
      `[galley preview] enable refused, ${failure.cause}: ${failure.message}${detail}`,
    )
    return text(failure.status, failure.message, {
      'Galley-Preview-Error': failure.cause,
      ...extra,
    })
  }

  return {
    cookieName,

    async enable(request) {
      if (request.method !== 'GET') {
        return text(405, 'Enable draft mode with a GET request (the preview URL).', {
          Allow: 'GET',
        })
      }
      const visitor = limiter?.keyOf(request) ?? null
      if (visitor !== null) {
        // Checked and counted with no await in between, so parallel tries cannot slip past.
        const wait = limiter!.retryAfter(visitor)
        if (wait > 0)
          return refuse(enableFailure('rate-limited', 'this visitor'), {
            'Retry-After': String(wait),
          })
        limiter!.fail(visitor)
      }
      let result
      try {
        result = await validatePreviewUrl(client, request.url)
        if (result.isValid && visitor !== null) limiter!.forgive(visitor)
      } catch (error) {
        // Not this visitor's failure: the server was unreachable or refused the frontend.
        if (visitor !== null) limiter!.forgive(visitor)
        const failure = failureOfError(error)
        return refuse(failure, failure.cause === 'rate-limited' ? { 'Retry-After': '60' } : {})
      }
      if (!result.isValid) return refuse(enableFailure(result.reason))

      const url = new URL(request.url)
      let redirectTo = result.redirectTo
      if (resolvePath) {
        const searchParams = new URLSearchParams(url.searchParams)
        for (const name of SECRET_PARAMS) searchParams.delete(name)
        const pathname = sanitizeRedirect(
          url.searchParams.get(PREVIEW_PARAMS.pathname) ?? '/',
          url.origin,
        )
        const resolved = await resolvePath(request, {
          pathname,
          perspective: result.perspective,
          searchParams,
        })
        // The path only, for the log: its query could hold anything.
        if (resolved == null)
          return refuse(
            enableFailure('path-not-found', new URL(pathname, url.origin).pathname.slice(0, 200)),
          )
        redirectTo = withBypassParams(sanitizeRedirect(resolved, url.origin), url, url.origin)
      }

      const value = await signer.sign(cookieName, {
        perspective: result.perspective,
        expiresAt: result.expiresAt,
        grant: result.grant,
      })
      const headers = new Headers({ Location: redirectTo, 'Cache-Control': 'no-store' })
      headers.append(
        'Set-Cookie',
        serializeCookie(cookieName, value, {
          expiresAt: result.expiresAt,
          partitioned: isIframeRequest(request),
        }),
      )
      return new Response(null, { status: 307, headers })
    },

    async disable(request) {
      if (request.method !== 'POST') {
        return text(
          405,
          'Disable draft mode with a POST request (a GET could come from a link prefetch): ' +
            'e.g. <form method="post" action="…">.',
          { Allow: 'POST' },
        )
      }
      const url = new URL(request.url)
      const target = url.searchParams.get('redirect')
      const headers = new Headers({ 'Cache-Control': 'no-store' })
      for (const cookie of clearingCookies()) headers.append('Set-Cookie', cookie)
      if (target !== null) {
        headers.set('Location', sanitizeRedirect(target, url.origin))
        return new Response(null, { status: 303, headers })
      }
      headers.set('Content-Type', 'text/plain; charset=utf-8')
      return new Response('Draft mode disabled.', { status: 200, headers })
    },

    async get(request) {
      const headers = request instanceof Headers ? request : request.headers
      for (const value of readCookieValues(headers.get('cookie'), cookieName)) {
        const payload = await signer.verify(cookieName, value).catch(() => null)
        if (payload)
          return {
            isEnabled: true,
            perspective: payload.perspective,
            expiresAt: payload.expiresAt,
            grant: payload.grant ?? null,
          }
      }
      return DISABLED
    },

    clearingCookies,
  }
}

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  })
}
