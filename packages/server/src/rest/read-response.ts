import type { Context, Handler } from 'hono'
import { resolvePerspective } from '@galley/core'
import type { RequestAuth, ServerContext, ServerEnv } from '../server-context'
import { formatTagHeader } from '../operations/cache-tags'
import { PRIVATE_CACHE, etagOf, ifNoneMatchHits } from '../http/cache-headers'
import { type CorsHeaders, type CorsPolicy, addCors, builtWithCors } from '../http/cors'
import { headerReader, requestHeader } from '../http/request-headers'
import { BEARER, mayHaveQueryToken } from '../auth/authenticate'
import { knownTokenCaller } from '../auth/principals'
import { booleanParam, intParam } from '../http/query-params'

/**
 * Whether a read may be cached publicly: the `published` perspective, read by an
 * anonymous-equivalent caller (no user: anonymous or a `read:published` token), so every
 * caller who could be served the cached copy is allowed to see it.
 */
export function isPublicRead(
  auth: RequestAuth,
  perspective: string | undefined,
  draft: boolean | undefined,
): boolean {
  return auth.user === null && resolvePerspective(perspective, draft).kind === 'published'
}

/**
 * The read arguments every GET route takes from its query (`perspective`, `draft`,
 * `depth`), and whether its answer may be cached publicly for this caller.
 */
export function readArgs(
  auth: RequestAuth,
  params: Map<string, string>,
): {
  args: { perspective: string | undefined; draft: boolean | undefined; depth: number | undefined }
  isPublic: boolean
} {
  const perspective = params.get('perspective')
  const draft = booleanParam(params, 'draft')
  return {
    args: { perspective, draft, depth: intParam(params, 'depth') },
    isPublic: isPublicRead(auth, perspective, draft),
  }
}

/** What a read route found, before it becomes a response. */
export interface ReadResult {
  body: unknown
  /** Whether shared caches may keep it (see `isPublicRead`). */
  isPublic: boolean
  /** Cache tags of a public read, asked for only when it is public. */
  tags: () => string[]
}

/** A read's 200 response, as sent and as the response cache keeps it. */
export interface RenderedRead {
  body: Uint8Array<ArrayBuffer>
  headers: Readonly<Record<string, string>>
  /** Public reads: the strong ETag, and the headers of a 304. */
  etag?: string
  notModified?: Readonly<Record<string, string>>
}

const JSON_TYPE = 'application/json; charset=utf-8'
const encoder = new TextEncoder()

/**
 * A GET route that reads: `produce` finds the content, this sends it with the right caching
 * headers (public with ETag, cache tags and 304 on `If-None-Match`, or private), and, when
 * the response cache is on and the store has a data version, answers repeated requests from
 * the cache while nothing was committed. The key is everything the response depends on:
 * the caller (anonymous, token, or session and user), `Origin`, and the method and URL.
 */
export function readRoute<P extends string>(
  ctx: ServerContext,
  produce: (c: Context<ServerEnv, P>) => Promise<ReadResult>,
): Handler<ServerEnv, P> {
  return async (c) => {
    const cache = ctx.cache?.responses
    // Taken by `authenticate` before it (or anything else) read: see galley.dataVersion().
    const version = c.get('version')
    if (cache === undefined || version === undefined || c.req.method !== 'GET')
      return respond(c, render(ctx, await produce(c)))
    const key = responseKey(principalKey(c.get('auth')), requestHeader(c, 'origin'), c.req.url)
    let read = cache.get(key, version)
    if (read === undefined) {
      read = render(ctx, await produce(c))
      cache.set(key, version, read, sizeOf(key, read))
    }
    return respond(c, read)
  }
}

/** The response cache's key: everything a read's response depends on besides the data. */
function responseKey(principal: string, origin: string | undefined, url: string): string {
  return `${principal}\n${origin ?? ''}\n${url}`
}

/** Who the response was made for: no two callers who may see different content share one. */
function principalKey(auth: RequestAuth): string {
  if (auth.via === 'token') return `t:${auth.token!.id}`
  if (auth.via === 'session') return `s:${auth.session!.id}:${auth.user!.id}`
  return 'a'
}

function render(ctx: ServerContext, read: ReadResult): RenderedRead {
  const text = JSON.stringify(read.body)
  if (!read.isPublic)
    return { body: encoder.encode(text), headers: { 'Content-Type': JSON_TYPE, ...PRIVATE_CACHE } }
  const etag = etagOf(text)
  const notModified: Record<string, string> = {
    ETag: etag,
    'Cache-Control': ctx.options.publicCacheControl,
  }
  const tags = formatTagHeader(read.tags(), ctx.options.maxCacheTagLength)
  if (tags) notModified[ctx.options.cacheTagHeader] = tags
  return {
    body: encoder.encode(text),
    headers: { 'Content-Type': JSON_TYPE, ...notModified },
    etag,
    notModified,
  }
}

function respond(c: Context, read: RenderedRead): Response {
  return builtWithCors(
    sendRead(read, requestHeader(c, 'if-none-match'), c.get('cors') as CorsHeaders | undefined),
  )
}

function sendRead(
  read: RenderedRead,
  ifNoneMatch: string | undefined,
  cors: CorsHeaders | undefined,
): Response {
  // Each response gets its own headers object: adapters may add to it (Content-Length).
  if (read.etag !== undefined && ifNoneMatchHits(ifNoneMatch, read.etag))
    return new Response(null, { status: 304, headers: addCors({ ...read.notModified }, cors) })
  return new Response(read.body, { status: 200, headers: addCors({ ...read.headers }, cors) })
}

/**
 * A repeated `GET` answered from the response cache before routing and middleware, or
 * undefined to take the full path. It answers only what the full path would answer the
 * same way: an entry exists only for a request that passed every check with the same
 * caller, `Origin` and URL, under the same data version. Callers it can name without a
 * read: anonymous (no `Authorization`, no `Cookie`) and API tokens already in the caller
 * cache for this version; sessions, query strings that might carry a token, and anything
 * else go the full way. Saves Hono's routing and three middlewares, about half of a
 * cached read's own cost.
 */
export function answerFromCache(
  ctx: ServerContext,
  cors: CorsPolicy,
  request: Request,
  env: unknown,
): Response | undefined {
  const cache = ctx.cache
  if (cache === null || request.method !== 'GET') return undefined
  const url = request.url
  if (mayHaveQueryToken(url)) return undefined
  const header = headerReader(request, env)
  if (header('cookie') !== undefined) return undefined
  const version = ctx.galley.dataVersion()
  if (version === undefined) return undefined
  let principal = 'a'
  const authorization = header('authorization')
  if (authorization !== undefined) {
    const token = BEARER.exec(authorization)?.[1]
    const caller = token === undefined ? undefined : knownTokenCaller(ctx, token, version)
    if (caller === undefined) return undefined
    principal = principalKey(caller)
  }
  const origin = header('origin')
  const read = cache.responses.get(responseKey(principal, origin, url), version)
  if (read === undefined) return undefined
  return sendRead(
    read,
    header('if-none-match'),
    cors.configured ? cors.forOrigin(origin) : undefined,
  )
}

/** Roughly what an entry holds in memory: key and header strings (UTF-16), body bytes, objects. */
function sizeOf(key: string, read: RenderedRead): number {
  let bytes = 2 * key.length + read.body.byteLength + 300
  for (const h of [read.headers, read.notModified ?? {}])
    for (const k in h) bytes += 2 * (k.length + h[k]!.length)
  return bytes
}
