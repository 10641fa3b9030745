import {
  isCookieName,
  isIframeRequest,
  readCookieValues,
  serializeClearedCookie,
  serializeCookie,
} from './cookie-header'
import { createCookieSigner, type CookieSecret } from './cookie-signer'
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
}

/** Whether a request is in draft mode, and with which perspective. */
export type DraftModeState =
  | { isEnabled: true; perspective: PreviewPerspective; expiresAt: Date }
  | { isEnabled: false; perspective: 'published'; expiresAt: null }

/** Draft-mode endpoints and the per-request check, on Web `Request`/`Response`. */
export interface DraftMode {
  readonly cookieName: string
  /** GET: validates the secret, sets the signed cookie, 307 to the sanitised target. */
  enable(request: Request): Promise<Response>
  /** POST: clears the cookie (200, or 303 to a sanitised `?redirect=`); other methods get 405. */
  disable(request: Request): Promise<Response>
  /** Reads the cookie, checking its signature and expiry; never throws. */
  get(request: Request | Headers): Promise<DraftModeState>
}

const DEFAULTS = Object.freeze({ cookieName: '__galley_draft' })

const DISABLED: DraftModeState = Object.freeze({
  isEnabled: false,
  perspective: 'published',
  expiresAt: null,
})

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
          return text(429, 'Too many wrong preview secrets were tried; wait a while and retry.', {
            'Retry-After': String(wait),
          })
        limiter!.fail(visitor)
      }
      let result
      try {
        result = await validatePreviewUrl(client, request.url)
        if (result.isValid && visitor !== null) limiter!.forgive(visitor)
      } catch (error) {
        // Not this visitor's failure: the server was unreachable or limited the frontend.
        if (visitor !== null) limiter!.forgive(visitor)
        // The error may quote the request; the secret must never reach a response.
        if ((error as { status?: unknown } | null)?.status === 429)
          return text(429, 'Too many wrong preview secrets were tried; wait a while and retry.', {
            'Retry-After': '60',
          })
        return text(502, 'Could not reach the Galley server to validate the preview secret.')
      }
      if (!result.isValid) return text(401, 'Invalid or expired preview secret.')

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
        if (resolved == null) return text(404, 'Not found: nothing to preview at this path.')
        redirectTo = withBypassParams(sanitizeRedirect(resolved, url.origin), url, url.origin)
      }

      const value = await signer.sign(cookieName, {
        perspective: result.perspective,
        expiresAt: result.expiresAt,
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
      // Partitioned and unpartitioned cookies live in separate jars: clear both.
      headers.append('Set-Cookie', serializeClearedCookie(cookieName, { partitioned: false }))
      headers.append('Set-Cookie', serializeClearedCookie(cookieName, { partitioned: true }))
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
        if (payload) return { isEnabled: true, ...payload }
      }
      return DISABLED
    },
  }
}

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  })
}
