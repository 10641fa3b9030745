import { Hono } from 'hono'
import { ConfigError, type JobRunner, NotFoundError, shareReadLimitPerTurn } from '@galley/core'
import { AuthStore } from './auth/auth-store'
import { purgeOnChange } from './cache/purge-on-change'
import { responseCache } from './cache/response-cache'
import { VersionedCache } from './cache/versioned-cache'
import { authRoutes } from './auth/auth-routes'
import { authenticate, csrfProtection } from './auth/authenticate'
import { RateLimiter } from './auth/rate-limiter'
import { hasAuth } from './auth/with-auth'
import { graphqlRoutes } from './graphql/graphql-route'
import { eventRoutes } from './events/event-routes'
import { corsMiddleware, corsPolicy } from './http/cors'
import { toErrorBody } from './http/http-errors'
import { sendPrivate } from './http/respond'
import { Operations } from './operations/operations'
import { mountReleases } from './releases/mount-releases'
import { createPreviewRoutes } from './preview/preview-routes'
import { presentationRoutes } from './presentation/presentation-routes'
import { collectionRoutes } from './rest/collection-routes'
import { globalRoutes } from './rest/global-routes'
import { tokenRoutes } from './rest/token-routes'
import type { ServerContext, ServerEnv } from './server-context'
import { SERVER_DEFAULTS, resolveOptions, type ServerOptions } from './server-options'
import { WebhookDispatcher } from './webhooks/webhook-dispatcher'
import { webhookRoutes } from './webhooks/webhook-routes'
import { schemaRoute, studioRoutes } from './studio/studio-routes'

/** Path segments under `/api` that no collection may use as its slug. */
export const RESERVED_SLUGS = Object.freeze([
  'globals',
  'graphql',
  'auth',
  'webhooks',
  'preview',
  'draft-mode',
  'schema',
  'releases',
  'schedules',
  'presentation',
  'events',
])

/** What `createServer` returns. */
export interface GalleyServer {
  /** The Hono app: mount it, or call `app.request()` in tests. */
  app: Hono<ServerEnv>
  /** The Web-standard handler (`Request → Response`), for any runtime. */
  fetch: (request: Request, env?: unknown) => Promise<Response>
  /** Webhook deliveries: `idle()` waits for pending ones, `deliveries()` lists attempts. */
  webhooks: WebhookDispatcher
  /** This server's scheduled-job runner (null when `jobs: false` or the store keeps no releases). */
  jobs: JobRunner | null
  /** Stop purging on the engine's changes and stop webhook retries. The engine is the caller's to close. */
  close(): Promise<void>
}

/**
 * The HTTP API of a Galley engine on Hono: REST and GraphQL on the Local API, sessions and
 * API tokens (when the config went through `withAuth`), caching headers, CORS, cache-purge
 * webhooks, and one JSON error shape.
 * @example
 * const galley = await createGalley(withAuth(config))
 * const server = createServer({ galley, allowOrigins: ['http://localhost:3000'] })
 * serve({ fetch: server.fetch, port: 4000 })
 */
export function createServer(options: ServerOptions): GalleyServer {
  if (!options?.galley?.config)
    throw new ConfigError('createServer({ galley }): pass the engine from createGalley(config).')
  const opts = resolveOptions(options)
  if (!Number.isInteger(opts.maxBodyBytes) || opts.maxBodyBytes < 1)
    throw new ConfigError('maxBodyBytes must be a whole number of bytes ≥ 1.')
  for (const slug of opts.galley.config.collections.keys()) {
    if (RESERVED_SLUGS.includes(slug))
      throw new ConfigError(
        `Collection '${slug}' clashes with the route /api/${slug}; reserved: ${RESERVED_SLUGS.join(', ')}.`,
      )
  }
  const galley = opts.galley
  const store = hasAuth(galley.config.collections) ? new AuthStore(galley) : null
  const webhooks = new WebhookDispatcher({
    targets: opts.webhooks,
    retry: opts.webhookRetry,
    fetch: opts.fetch,
    logger: opts.logger,
  })
  const { maxAttempts, windowMs, maxAttemptsPerEmail } = opts.loginRateLimit
  for (const [name, value] of Object.entries(opts.graphql)) {
    if (!Object.hasOwn(SERVER_DEFAULTS.graphql, name))
      throw new ConfigError(
        `graphql.${name} is not an option; known: ${Object.keys(SERVER_DEFAULTS.graphql).join(', ')}.`,
      )
    if (!Number.isSafeInteger(value) || value < 1)
      throw new ConfigError(
        `graphql.${name} must be a whole number ≥ 1, not ${JSON.stringify(value) ?? String(value)}.`,
      )
  }
  if (!Number.isSafeInteger(opts.trustedProxyHops) || opts.trustedProxyHops < 1)
    throw new ConfigError('trustedProxyHops must be a whole number ≥ 1.')
  const cacheBytes = opts.responseCache === false ? 0 : opts.responseCache.maxBytes
  if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0)
    throw new ConfigError(
      'responseCache.maxBytes must be a whole number of bytes ≥ 0 (0 or false: off).',
    )
  const ctx: ServerContext = {
    galley,
    options: opts,
    store,
    cache:
      cacheBytes === 0
        ? null
        : {
            responses: new VersionedCache(cacheBytes),
            // Callers are small; a sixteenth of the budget holds tens of thousands.
            principals: new VersionedCache(Math.max(64 * 1024, Math.floor(cacheBytes / 16))),
          },
    ops: new Operations(galley, store),
    webhooks,
    limits: {
      login: new RateLimiter({ max: maxAttempts, windowMs }),
      address: new RateLimiter({ max: maxAttempts * 6, windowMs }),
      // Independent of the address: rotating addresses cannot guess one account's password.
      email: new RateLimiter({ max: maxAttemptsPerEmail, windowMs }),
    },
  }

  // Slow reads that hold the thread together share the store's time limit (see
  // shareReadLimitPerTurn in @galley/core): a request's many statements cannot add up.
  shareReadLimitPerTurn()
  const app = new Hono<ServerEnv>()
  app.onError((err, c) => {
    const auth = c.get('auth')
    const { status, body, headers } = toErrorBody(
      err,
      !auth || auth.via === 'anonymous',
      opts.logger,
    )
    return sendPrivate(c, body, status, headers)
  })
  app.notFound((c) => {
    const err = new NotFoundError(
      `No route for ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}. The API lives under /api.`,
    )
    const { status, body } = toErrorBody(err, true, opts.logger)
    return sendPrivate(c, body, status)
  })
  // A read naming a revoked or expired preview grant is refused before anything, the
  // response cache included (a header read for every other request).
  const preview = createPreviewRoutes(ctx)
  app.use('/api/*', preview.grantCheck)
  // One pipeline for every request: the response cache first (a hit is answered there; it
  // exists only for a request that passed everything below with the same key), then CORS,
  // the caller, CSRF, and the routes.
  if (ctx.cache !== null) app.use('/api/*', responseCache(ctx, ctx.cache.responses))
  app.use('/api/*', corsMiddleware(corsPolicy(opts.allowOrigins, opts.cacheTagHeader)))
  app.use('/api/*', authenticate(ctx))
  app.use('/api/*', csrfProtection(ctx))
  app.route('/api/auth/tokens', tokenRoutes(ctx))
  app.route('/api/auth', authRoutes(ctx))
  app.route('/api/graphql', graphqlRoutes(ctx))
  app.route('/api/webhooks', webhookRoutes(ctx))
  app.route('/api/globals', globalRoutes(ctx))
  app.route('/api/preview', preview.app)
  app.route('/api/schema', schemaRoute(ctx))
  const presentation = presentationRoutes(ctx)
  app.route('/api/presentation', presentation.app)
  app.use('/admin/*', presentation.framing)
  const events = eventRoutes(ctx, options.events, preview.grants)
  app.route('/api/events', events.app)
  const releases = mountReleases(app, ctx, options.jobs)
  app.route('/api', collectionRoutes(ctx))
  app.route('/admin', studioRoutes())
  // Purges follow committed changes from any caller of this engine, not HTTP operations.
  const unsubscribe = purgeOnChange(galley, webhooks, opts.logger)

  return {
    app,
    fetch: (request, env) => Promise.resolve(app.fetch(request, env)),
    webhooks,
    jobs: releases?.runner ?? null,
    async close() {
      await releases?.close()
      unsubscribe()
      webhooks.close()
      preview.close()
      events.close()
    },
  }
}
