import { Hono, type MiddlewareHandler } from 'hono'
import { ForbiddenError, InputError, NotFoundError } from '@galley/core'
import { hasRole } from '../auth/roles'
import { UnauthorizedError } from '../http/http-errors'
import { readJsonBody } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import type { RequestAuth, ServerContext, ServerEnv } from '../server-context'
import { resolvePresentation, type ResolvedPresentation } from './presentation-options'

const PROBE_TIMEOUT_MS = 2500

/**
 * `GET /api/presentation` (the view's config, for users who may read drafts) and
 * `POST /api/presentation/probe`, which the Studio calls when the frontend did not connect
 * in time: the server asks the configured frontend (never another host) for the page and
 * for the enable route, and answers with the framing headers and statuses it saw, so the
 * Studio can say why.
 */
export function presentationRoutes(ctx: ServerContext): {
  app: Hono<ServerEnv>
  config: ResolvedPresentation | null
  framing: MiddlewareHandler<ServerEnv>
} {
  const config = resolvePresentation(ctx.options.presentation, ctx.options.preview?.url)
  const app = new Hono<ServerEnv>()
  const need = (auth: RequestAuth): ResolvedPresentation => {
    if (auth.via === 'anonymous')
      throw new UnauthorizedError('The presentation view needs a signed-in user.')
    if (!auth.user || !hasRole(auth.user, 'viewer'))
      throw new ForbiddenError('The presentation view needs a user who may read drafts.')
    if (!config)
      throw new NotFoundError(
        'The presentation view is not set up: pass createServer({ presentation: { url } }) with the frontend URL.',
      )
    return config
  }

  app.get('/', (c) => sendPrivate(c, need(c.get('auth'))))

  app.post('/probe', async (c) => {
    const cfg = need(c.get('auth'))
    const body = (await readJsonBody(c.req.raw, 8192)) as Record<string, unknown> | null
    const pathname = body?.pathname
    const secret = body?.secret
    if (
      typeof pathname !== 'string' ||
      !/^\/(?![/\\])/.test(pathname) ||
      /[\\\p{Cc}]/u.test(pathname)
    )
      throw new InputError('Send { "pathname": "/a/path", "secret"?: "…" } as JSON.')
    if (secret !== undefined && (typeof secret !== 'string' || secret.length > 200))
      throw new InputError('secret must be a preview secret string.')
    const fetcher = ctx.options.fetch
    const page = await probe(fetcher, new URL(pathname, cfg.url + '/').href)
    let enable: ProbeResult | null = null
    if (typeof secret === 'string') {
      const url = new URL(cfg.enableUrl)
      url.searchParams.set('galley-preview-secret', secret)
      url.searchParams.set('galley-preview-pathname', pathname)
      enable = await probe(fetcher, url.href)
    }
    return sendPrivate(c, { page, enable })
  })

  const frameSrc = config ? [...new Set([config.origin, ...config.allowOrigins])].join(' ') : ''
  // The Studio's page may frame the frontend (and nothing else); it stays unframeable itself.
  const framing: MiddlewareHandler<ServerEnv> = async (c, next) => {
    await next()
    const csp = c.res.headers.get('content-security-policy')
    if (!config || !csp || /frame-src/.test(csp)) return
    c.res.headers.set('content-security-policy', `${csp}; frame-src 'self' ${frameSrc}`)
  }
  return { app, config, framing }
}

interface ProbeResult {
  /** 0 when the frontend could not be reached. */
  status: number
  error?: string
  location?: string | null
  xFrameOptions?: string | null
  frameAncestors?: string | null
  previewError?: string | null
  message?: string
}

async function probe(fetcher: typeof fetch, url: string): Promise<ProbeResult> {
  try {
    const res = await fetcher(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      headers: { 'Sec-Fetch-Dest': 'iframe', Accept: 'text/html' },
    })
    const csp = res.headers.get('content-security-policy')
    const text = res.status >= 400 ? (await res.text().catch(() => '')).slice(0, 300) : ''
    await res.body?.cancel().catch(() => {})
    return {
      status: res.status,
      location: res.headers.get('location'),
      xFrameOptions: res.headers.get('x-frame-options'),
      frameAncestors: /frame-ancestors[^;]*/i.exec(csp ?? '')?.[0] ?? null,
      previewError: res.headers.get('galley-preview-error'),
      message:
        text
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim() || undefined,
    }
  } catch (error) {
    return {
      status: 0,
      error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable',
    }
  }
}
