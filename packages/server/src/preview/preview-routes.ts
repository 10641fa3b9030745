import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { ForbiddenError, InputError, NotFoundError, isValidId } from '@galley/core'
import { buildPreviewUrl } from '@galley/preview'
import { RateLimiter } from '../auth/rate-limiter'
import { hasRole } from '../auth/roles'
import { corsPolicy } from '../http/cors'
import { RateLimitedError, UnauthorizedError } from '../http/http-errors'
import { readJsonBody } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import type { RequestAuth, ServerContext, ServerEnv } from '../server-context'
import { PREVIEW_SECRETS } from './preview-collection'
import { PreviewGrants, previewGrantCheck } from './preview-grants'
import { resolvePreviewOptions, type ResolvedPreviewOptions } from './preview-options'
import {
  isWellFormedSecret,
  PreviewStore,
  type PreviewCreator,
  type PreviewShare,
} from './preview-store'

/** What {@link createPreviewRoutes} returns. */
export interface PreviewRoutes {
  /** The sub-app; `createServer` mounts it at `/api/preview`. */
  app: Hono<ServerEnv>
  /** Null when the config did not go through `withAuth` (every route then answers 400). */
  store: PreviewStore | null
  options: ResolvedPreviewOptions
  /**
   * Middleware for every `/api/*` request: a request naming a preview grant that no longer
   * holds (`Galley-Preview-Grant`) gets 403 `PREVIEW_ENDED`. Register it first, before the
   * response cache.
   */
  grantCheck: MiddlewareHandler<ServerEnv>
  /** Whether grants still hold (null without `withAuth`); the event stream asks it too. */
  grants: PreviewGrants | null
  /** Delete expired secrets now (the periodic sweep calls this). */
  sweep(): Promise<number>
  /** Stop the periodic sweep. */
  close(): void
}

const Perspective = z.union([z.string().max(700), z.array(z.string().max(64)).max(10)])
const SecretBody = z
  .object({
    perspective: Perspective.optional(),
    pathname: z.string().max(2048).optional(),
    ttlSeconds: z.number().optional(),
    singleUse: z.boolean().optional(),
  })
  .strict()
const ShareBody = z
  .object({
    name: z.string().max(400),
    perspective: Perspective.optional(),
    expiresAt: z.string().max(100).nullable().optional(),
    pathname: z.string().max(2048).optional(),
  })
  .strict()
const MAX_VALIDATE_BODY = 4096
const INVALID = Object.freeze({
  isValid: false,
  perspective: null,
  expiresAt: null,
  grant: null,
})

/**
 * `/api/preview/*`: preview secrets for the Studio and the CLI, named shared links, and the
 * validation endpoint a frontend's draft-mode route calls with its own `read:drafts` token.
 * Wrong secrets from signed-in users are rate-limited per user and per address (token
 * callers, being frontends, only per token when configured; malformed ones are not counted); expired secrets are swept
 * when new ones are made and every `sweepIntervalMs` (an unref'd timer; `close()` stops it).
 * No response other than the one creating a secret carries it, and nothing logs it.
 *
 * @example
 * const preview = createPreviewRoutes(ctx)
 * app.route('/api/preview', preview.app)
 */
export function createPreviewRoutes(ctx: ServerContext): PreviewRoutes {
  const options = resolvePreviewOptions(ctx.options.preview)
  const store = ctx.galley.config.collections.has(PREVIEW_SECRETS)
    ? new PreviewStore(ctx.galley, options)
    : null
  const grants = store
    ? new PreviewGrants(ctx.galley, store, { cacheMs: options.grantCacheMs })
    : null
  const { maxFailures, windowMs, maxTokenFailures } = options.rateLimit
  const failures = {
    user: new RateLimiter({ max: maxFailures, windowMs }),
    address: new RateLimiter({ max: maxFailures * 2, windowMs }),
    token:
      maxTokenFailures === undefined ? null : new RateLimiter({ max: maxTokenFailures, windowMs }),
  }
  const maxBody = ctx.options.maxBodyBytes

  let running: Promise<number> | null = null
  const sweep = () =>
    (running ??= (store ? store.sweep() : Promise.resolve(0)).finally(() => (running = null)))
  let timer: ReturnType<typeof setInterval> | undefined
  if (store && options.sweepIntervalMs > 0) {
    timer = setInterval(() => {
      sweep().catch((err) => ctx.options.logger.error('[galley] preview secret sweep failed', err))
    }, options.sweepIntervalMs)
    timer.unref()
  }

  const need = (): PreviewStore => {
    if (!store)
      throw new InputError(
        'This server has no users, so no preview secrets: build its config with withAuth().',
      )
    return store
  }
  const previewUrl = (secret: string, pathname: string | undefined) =>
    options.url ? { previewUrl: buildPreviewUrl({ enableUrl: options.url, secret, pathname }) } : {}

  const app = new Hono<ServerEnv>()

  app.post('/secrets', async (c) => {
    noQuery(c, 'POST /api/preview/secrets')
    const previews = need()
    const auth = requireDraftReader(c.get('auth'))
    const body = parseBody(SecretBody, (await readJsonBody(c.req.raw, maxBody)) ?? {}, SECRET_SHAPE)
    const pathname = checkPathname(body.pathname)
    const created = await previews.createSecret({
      perspective: body.perspective,
      ttlSeconds: body.ttlSeconds,
      singleUse: body.singleUse,
      createdBy: creatorOf(auth),
    })
    return sendPrivate(c, { ...created, ...previewUrl(created.secret, pathname) }, 201)
  })

  app.post('/shares', async (c) => {
    noQuery(c, 'POST /api/preview/shares')
    const previews = need()
    const auth = requireDraftReader(c.get('auth'))
    const body = parseBody(ShareBody, await readJsonBody(c.req.raw, maxBody), SHARE_SHAPE)
    const pathname = checkPathname(body.pathname)
    const { secret, share } = await previews.createShare({
      name: body.name,
      perspective: body.perspective,
      expiresAt: body.expiresAt,
      createdBy: creatorOf(auth),
    })
    return sendPrivate(c, { ...share, secret, ...previewUrl(secret, pathname) }, 201)
  })

  app.get('/shares', async (c) => {
    noQuery(c, 'GET /api/preview/shares')
    const previews = need()
    const auth = requireDraftReader(c.get('auth'))
    // Admins see every link; anyone else only their own, so no other user's email shows.
    const shares = hasRole(auth.user, 'admin')
      ? await previews.listShares()
      : await previews.listShares({ createdById: auth.user.id })
    return sendPrivate(c, { shares })
  })

  app.delete('/shares/:id', async (c) => {
    noQuery(c, 'DELETE /api/preview/shares/:id')
    const previews = need()
    const auth = requireDraftReader(c.get('auth'))
    const id = c.req.param('id')
    const share = isValidId(id) ? await previews.getShare(id) : null
    if (!share) throw new NotFoundError('No live shared preview link has that id.')
    if (!hasRole(auth.user, 'editor') && share.createdById !== auth.user!.id)
      throw new ForbiddenError('Only the creator of a shared link or an editor may revoke it.')
    const revoked = await previews.revokeShare(id)
    if (!revoked) throw new NotFoundError('No live shared preview link has that id.')
    // An editor revoking someone else's link learns that it went, not who made it.
    const mayNameCreator = hasRole(auth.user, 'admin') || share.createdById === auth.user.id
    const answer: PreviewShare = mayNameCreator ? revoked : { ...revoked, createdBy: null }
    return sendPrivate(c, { revoked: true, share: answer })
  })

  app.post('/validate', async (c) => {
    const previews = need()
    const auth = requireDraftReader(c.get('auth'))
    // Not even the parameter names are echoed: one of them could be a secret sent by mistake.
    if (new URL(c.req.url).search !== '')
      throw new InputError('Send the secret in the JSON body, { "secret": "…" }, never in the URL.')
    const secret = await readSecret(c.req.raw, Math.min(maxBody, MAX_VALIDATE_BODY))
    // Not a secret's shape: no guess at all, so it is neither counted nor looked up.
    if (!isWellFormedSecret(secret)) return sendPrivate(c, INVALID)
    // A token caller is a frontend validating for all of its visitors with one token from
    // one address: limiting those per token or address would let one visitor lock every
    // editor out. Signed-in users are limited per user and per address; a token's failures
    // still count against its address (so that machine cannot go on as a user), but the
    // address limit is never checked for a token.
    const address: [RateLimiter, string] = [failures.address, c.get('client').address]
    const checked: Array<[RateLimiter, string]> = []
    if (auth.via !== 'token') checked.push([failures.user, auth.user!.id], address)
    else if (failures.token) checked.push([failures.token, auth.token!.id])
    const counted = auth.via === 'token' ? [...checked, address] : checked
    // Checked and counted with no await in between, and before the lookup, so parallel
    // guesses cannot slip past the limit.
    const wait = Math.max(0, ...checked.map(([limiter, key]) => limiter.retryAfter(key)))
    if (wait > 0)
      throw new RateLimitedError(
        `Too many wrong preview secrets; try again in ${wait} seconds.`,
        wait,
      )
    for (const [limiter, key] of counted) limiter.fail(key)
    const forgive = () => {
      for (const [limiter, key] of counted) limiter.forgive(key)
    }
    let valid
    try {
      valid = await previews.validate(secret)
    } catch (err) {
      forgive()
      throw err
    }
    if (!valid) return sendPrivate(c, INVALID)
    forgive()
    return sendPrivate(c, {
      isValid: true,
      perspective: valid.perspective,
      expiresAt: valid.expiresAt,
      grant: valid.grant,
    })
  })

  // Hono's own 404 repeats the path, which could hold a secret sent to the wrong place.
  app.all('*', () => {
    throw new NotFoundError(
      'No such preview route: use POST /api/preview/secrets, POST|GET /api/preview/shares, DELETE /api/preview/shares/:id or POST /api/preview/validate.',
    )
  })

  return {
    app,
    store,
    options,
    grantCheck: previewGrantCheck(
      grants,
      corsPolicy(ctx.options.allowOrigins, ctx.options.cacheTagHeader),
    ),
    grants,
    sweep,
    close() {
      if (timer) clearInterval(timer)
      timer = undefined
      grants?.close()
    },
  }
}

const SECRET_SHAPE =
  '{ "perspective"?: "drafts", "pathname"?: "/blog/x", "ttlSeconds"?: 3600, "singleUse"?: false }'
const SHARE_SHAPE =
  '{ "name": "Legal review", "perspective"?: "drafts", "expiresAt"?: "2030-01-01T00:00:00Z", "pathname"?: "/blog/x" }'

/** The caller must be able to read drafts: a signed-in user, or a `read:drafts` / `write` token. */
function requireDraftReader(
  auth: RequestAuth,
): RequestAuth & { user: NonNullable<RequestAuth['user']> } {
  if (auth.via === 'anonymous')
    throw new UnauthorizedError(
      `Preview secrets need a signed-in user or an API token with read:drafts, sent as 'Authorization: Bearer <token>'.`,
    )
  if (!auth.user || !hasRole(auth.user, 'viewer'))
    throw new ForbiddenError('Preview secrets need a token with the read:drafts or write scope.')
  return auth as RequestAuth & { user: NonNullable<RequestAuth['user']> }
}

function creatorOf(auth: RequestAuth & { user: NonNullable<RequestAuth['user']> }): PreviewCreator {
  if (auth.via === 'token') return { id: auth.user.id, label: `token:${auth.token!.name}` }
  return { id: auth.user.id, label: auth.user.email ?? auth.user.name ?? auth.user.id }
}

function noQuery(c: Context, route: string): void {
  if (new URL(c.req.url).search !== '')
    throw new InputError(`${route} takes no query parameters; send options in the JSON body.`)
}

function parseBody<T>(schema: z.ZodType<T>, value: unknown, shape: string): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new InputError(`Send ${shape} as JSON (${where}${issue?.message ?? 'bad body'}).`)
}

function checkPathname(pathname: string | undefined): string | undefined {
  if (pathname === undefined) return undefined
  // The frontend sanitises the target again; this only catches mistakes early.
  if (!/^\/(?![/\\])/.test(pathname) || /[\\\p{Cc}]/u.test(pathname))
    throw new InputError(
      'pathname must be a path on the frontend starting with a single "/", e.g. "/blog/hello", without backslashes or control characters.',
    )
  return pathname
}

/**
 * The `secret` of a validation body. Errors never quote the body: a JSON parser's message
 * would repeat part of the secret.
 */
async function readSecret(request: Request, maxBytes: number): Promise<string> {
  let body: unknown
  try {
    body = await readJsonBody(request, maxBytes)
  } catch (err) {
    if (err instanceof InputError) throw new InputError('Send { "secret": "…" } as JSON.')
    throw err
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    Object.keys(body).length !== 1 ||
    typeof (body as { secret?: unknown }).secret !== 'string'
  )
    throw new InputError('Send { "secret": "…" } as JSON, with the secret as a string.')
  return (body as { secret: string }).secret
}
