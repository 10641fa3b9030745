import type { CachedPrincipal, RequestAuth, ServerContext } from '../server-context'
import { sessionHash, tokenHash, type ResolvedSession, type TokenRecord } from './auth-store'
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
  if (store === null) return null
  const id = tokenHash(token)
  if (id === null) return null
  const cache = ctx.cache?.principals
  if (cache === undefined || version === undefined) {
    const record = await store.resolveTokenHash(id)
    return record && tokenAuth(record)
  }
  const key = `t:${id}`
  const hit = cache.get(key, version)
  if (hit !== undefined) return hit.auth
  const record = await store.resolveTokenHash(id)
  if (record === null) return null
  const auth = tokenAuth(record)
  cache.set(key, version, { auth, expiresMs: Infinity }, PRINCIPAL_BYTES)
  return auth
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
  if (store === null) return null
  const id = sessionHash(cookie)
  if (id === null) return null
  const cache = ctx.cache?.principals
  if (cache === undefined || version === undefined) {
    const session = await store.resolveSessionHash(id)
    return session && sessionAuth(session)
  }
  const key = `s:${id}`
  const hit: CachedPrincipal | undefined = cache.get(key, version)
  if (hit !== undefined && hit.expiresMs > Date.now()) return hit.auth
  // Expired sessions take the uncached path, which deletes them.
  const session = await store.resolveSessionHash(id)
  if (session === null) return null
  const auth = sessionAuth(session)
  cache.set(key, version, { auth, expiresMs: Date.parse(session.expiresAt) }, PRINCIPAL_BYTES)
  return auth
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
