import type { MiddlewareHandler } from 'hono'
import { credentialsOf } from '../auth/credentials'
import { knownCaller } from '../auth/principals'
import type { RequestAuth } from '../auth/request-auth'
import { sendRead } from '../http/send-read'
import type { ServerContext, ServerEnv } from '../server-context'
import type { RenderedRead } from './cache-entries'
import type { VersionedCache } from './versioned-cache'

/**
 * The response cache, in the shape of `hono/cache`: the first middleware on `/api/*`.
 * It takes the data version before anything reads (`c.var.version`, which `authenticate`
 * also keys callers by). A `GET` whose key (caller, `Origin`, URL) has an entry under that
 * version is answered from it, with a 304 for a matching `If-None-Match`; anything else
 * falls through to `next()`, and a read route's rendered 200 (`c.var.read`) is kept on the
 * way back. An entry exists only for a request that passed every later middleware and
 * route with the same key, so a hit is answered as the full path would answer it: the
 * caller part is named only when the caller cache already knows it (anonymous, or a token
 * or unexpired session `authenticate` resolved under this version), CORS headers are part
 * of the entry (Origin is in the key), and any commit empties the cache.
 * @example app.use('/api/*', responseCache(ctx, ctx.cache.responses))
 */
export function responseCache(
  ctx: ServerContext,
  cache: VersionedCache<RenderedRead>,
): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const version = ctx.galley.dataVersion()
    c.set('version', version)
    if (version === undefined || c.req.method !== 'GET') return next()
    const origin = c.req.header('origin')
    const url = c.req.url
    const caller = knownCaller(ctx, credentialsOf(c, ctx.options), version)
    if (caller !== undefined) {
      const hit = cache.get(responseKey(caller, origin, url), version)
      if (hit !== undefined) return sendRead(hit, c.req.header('if-none-match'))
    } else cache.holds(version)
    await next()
    const read = c.get('read')
    if (read === undefined) return
    const key = responseKey(c.get('auth'), origin, url)
    cache.set(key, version, read, sizeOf(key, read))
  }
}

/** The cache key: everything a read's response depends on besides the data. */
function responseKey(auth: RequestAuth, origin: string | undefined, url: string): string {
  return `${principalKey(auth)}\n${origin ?? ''}\n${url}`
}

/** Who the response was made for: no two callers who may see different content share one. */
function principalKey(auth: RequestAuth): string {
  if (auth.via === 'token') return `t:${auth.token!.id}`
  if (auth.via === 'session') return `s:${auth.session!.id}:${auth.user!.id}`
  return 'a'
}

/** Roughly what an entry holds in memory: key and header strings (UTF-16), body bytes, objects. */
function sizeOf(key: string, read: RenderedRead): number {
  let bytes = 2 * key.length + read.body.byteLength + 300
  for (const h of [read.headers, read.notModified ?? {}])
    for (const k in h) bytes += 2 * (k.length + h[k]!.length)
  return bytes
}
