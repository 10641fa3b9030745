import type { CachedPrincipal } from '../cache/cache-entries'
import type { ServerContext } from '../server-context'
import { sessionHash, tokenHash, type ResolvedSession, type TokenRecord } from './auth-store'
import { bearerToken, type Credentials } from './credentials'
import { ANONYMOUS, type RequestAuth } from './request-auth'
import { isRole, userOfScope } from './roles'

/** What a cached caller is counted as: records and user documents are small. */
const PRINCIPAL_BYTES = 1024

/**
 * The caller an API token stands for, or null when it is malformed, unknown or revoked.
 * With a data version, the answer is kept by the token's SHA-256 until the next commit
 * anywhere on the store, so a revocation (a commit) holds from the next request on.
 */
export async function tokenCaller(
  ctx: ServerContext,
  token: string,
  version: number | undefined,
): Promise<RequestAuth | null> {
  const store = ctx.store
  const id = store && tokenHash(token)
  if (!store || !id) return null
  return cachedCaller(ctx, `t:${id}`, version, async () => {
    const record = await store.resolveTokenHash(id)
    return record && { auth: tokenAuth(record), expiresMs: Infinity }
  })
}

/**
 * The signed-in caller of a session cookie value, or null. Kept like tokens, and besides
 * never used past the session's expiry (which passes without a commit).
 */
export async function sessionCaller(
  ctx: ServerContext,
  cookie: string,
  version: number | undefined,
): Promise<RequestAuth | null> {
  const store = ctx.store
  const id = store && sessionHash(cookie)
  if (!store || !id) return null
  // Expired sessions miss the cache and take the store's path, which deletes them.
  return cachedCaller(ctx, `s:${id}`, version, async () => {
    const session = await store.resolveSessionHash(id)
    return session && { auth: sessionAuth(session), expiresMs: Date.parse(session.expiresAt) }
  })
}

/**
 * The caller that `credentials` stand for if that is known under `version` without a read:
 * anonymous (no `Authorization`, no session cookie), or a token or session that
 * `authenticate` resolved at this version and that has not expired. Undefined otherwise
 * (unknown, malformed, expired or not yet seen): only `authenticate` decides those.
 */
export function knownCaller(
  ctx: ServerContext,
  credentials: Credentials,
  version: number,
): RequestAuth | undefined {
  const { authorization, session } = credentials
  if (authorization !== undefined) {
    const token = bearerToken(authorization)
    const id = token === undefined ? null : tokenHash(token)
    return id ? cachedHit(ctx, `t:${id}`, version) : undefined
  }
  if (session === undefined || session === '') return ANONYMOUS
  const id = sessionHash(session)
  return id ? cachedHit(ctx, `s:${id}`, version) : undefined
}

/** A kept caller that is still good: read at `version` and not expired. */
function cachedHit(ctx: ServerContext, key: string, version: number): RequestAuth | undefined {
  const hit = ctx.cache?.principals.get(key, version)
  return hit !== undefined && hit.expiresMs > Date.now() ? hit.auth : undefined
}

/** `resolve`'s caller, kept under `version` (never without one) and only until it expires. */
async function cachedCaller(
  ctx: ServerContext,
  key: string,
  version: number | undefined,
  resolve: () => Promise<CachedPrincipal | null>,
): Promise<RequestAuth | null> {
  const cache = ctx.cache?.principals
  if (cache === undefined || version === undefined) return (await resolve())?.auth ?? null
  const hit = cachedHit(ctx, key, version)
  if (hit !== undefined) return hit
  const found = await resolve()
  if (found === null) return null
  cache.set(key, version, found, PRINCIPAL_BYTES)
  return found.auth
}

function tokenAuth(record: TokenRecord): RequestAuth {
  return { via: 'token', user: userOfScope(record.scope, record.id, record.name), token: record }
}

function sessionAuth(session: ResolvedSession): RequestAuth {
  const u = session.user
  return {
    via: 'session',
    user: {
      id: u.id,
      email: u.email,
      name: u.name,
      role: isRole(u.role) ? u.role : 'viewer',
      kind: 'user',
    },
    session: {
      id: session.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      doc: u,
    },
  }
}
