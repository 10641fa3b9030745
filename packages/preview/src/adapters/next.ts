import { isIframeRequest } from '../cookie-header'
import {
  createDraftMode,
  type DraftMode,
  type DraftModeOptions,
  type DraftModeState,
} from '../create-draft-mode'

/** The few members of `next/headers` this adapter calls (Next 14's sync and 15's async forms). */
export interface NextHeadersModule {
  draftMode(): NextDraftMode | Promise<NextDraftMode>
  cookies(): NextCookies | Promise<NextCookies>
}

/** Next's own draft-mode switch, from `draftMode()`. */
export interface NextDraftMode {
  enable(): void
  disable(): void
}

/** Next's request cookies, from `cookies()` (`set` exists in route handlers). */
export interface NextCookies {
  getAll(): { name: string; value: string }[]
  set?(cookie: {
    name: string
    value: string
    httpOnly: boolean
    secure: boolean
    sameSite: 'none'
    path: string
    partitioned: boolean
  }): unknown
}

/** The cookie Next's `draftMode().enable()` sets. */
const NEXT_BYPASS_COOKIE = '__prerender_bypass'

/** Options of {@link createNextDraftModeHandlers}. */
export interface NextDraftModeOptions extends DraftModeOptions {
  /** Where `next/headers` comes from; defaults to importing it (tests pass a stand-in). */
  loadNextHeaders?: () => Promise<NextHeadersModule>
}

/** App Router route handlers and a server-component helper. */
export interface NextDraftModeHandlers {
  /** `app/api/draft-mode/enable/route.ts`: `export const { GET } = handlers.enable` */
  enable: { GET(request: Request): Promise<Response> }
  /** `app/api/draft-mode/disable/route.ts`: `export const { GET, POST } = handlers.disable` */
  disable: { GET(request: Request): Promise<Response>; POST(request: Request): Promise<Response> }
  /** In a server component: the verified draft-mode state from `cookies()`. */
  getDraftMode(): Promise<DraftModeState>
  /** The framework-neutral handlers underneath. */
  draftMode: DraftMode
}

// `as string` keeps TypeScript from resolving `next` (not a dependency) while the emitted
// literal `import('next/headers')` is still bundled by the Next app that provides it.
const importNextHeaders = () => import('next/headers' as string) as Promise<NextHeadersModule>

/**
 * Draft mode for the Next.js App Router. Besides Galley's signed cookie, enabling and disabling
 * also flip Next's own `draftMode()` so pages render at request time while previewing.
 *
 * @example
 * export const galleyDraftMode = createNextDraftModeHandlers({
 *   client,
 *   cookieSecret: process.env.GALLEY_DRAFT_COOKIE_SECRET!,
 * })
 */
export function createNextDraftModeHandlers(options: NextDraftModeOptions): NextDraftModeHandlers {
  const { loadNextHeaders = importNextHeaders, ...rest } = options
  const draftMode = createDraftMode(rest)
  const nextDraftMode = async () => (await loadNextHeaders()).draftMode()

  return {
    draftMode,
    enable: {
      async GET(request) {
        const response = await draftMode.enable(request)
        if (response.status !== 307) return response
        ;(await nextDraftMode()).enable()
        // Inside a cross-site frame (the Studio's presentation view) the browser keeps only
        // partitioned cookies: Galley's is; Next's own draft-mode cookie is made so too.
        if (isIframeRequest(request)) {
          const jar = await (await loadNextHeaders()).cookies()
          const bypass = jar.getAll().find((c) => c.name === NEXT_BYPASS_COOKIE)
          if (bypass && jar.set)
            jar.set({
              name: NEXT_BYPASS_COOKIE,
              value: bypass.value,
              httpOnly: true,
              secure: true,
              sameSite: 'none',
              path: '/',
              partitioned: true,
            })
        }
        return response
      },
    },
    disable: {
      GET: (request) => draftMode.disable(request),
      async POST(request) {
        const response = await draftMode.disable(request)
        if (!response.ok && response.status !== 303) return response
        ;(await nextDraftMode()).disable()
        return withOneClearingCookie(response, draftMode.cookieName, isIframeRequest(request))
      },
    },
    async getDraftMode() {
      const jar = await (await loadNextHeaders()).cookies()
      const cookie = jar
        .getAll()
        .filter((c) => c.name === draftMode.cookieName)
        .map((c) => `${c.name}=${c.value}`)
        .join('; ')
      return draftMode.get(new Headers(cookie ? { cookie } : {}))
    },
  }
}

/**
 * Next merges a route's `Set-Cookie` headers with its own by cookie name, so of the two
 * clearing cookies `disable` sends (plain and partitioned) only the last would survive — the
 * partitioned one, leaving a top-level cookie in place. Keep the one for the context the
 * cookie was set in: partitioned inside an iframe, as `enable` does.
 */
function withOneClearingCookie(response: Response, name: string, inIframe: boolean): Response {
  const headers = new Headers()
  response.headers.forEach((value, key) => {
    if (key.toLowerCase() !== 'set-cookie') headers.append(key, value)
  })
  for (const cookie of response.headers.getSetCookie()) {
    const isOurs = cookie.startsWith(`${name}=`)
    const partitioned = /;\s*partitioned\s*(;|$)/i.test(cookie)
    if (!isOurs || partitioned === inIframe) headers.append('Set-Cookie', cookie)
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
}
