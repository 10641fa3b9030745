import { decideAccess, ForbiddenError, requireAccess, type SanitizedCollection } from '@galley/core'
import type { RequestAuth } from '../auth/request-auth'

/** A token that may not write is refused (read-only scopes). */
export function assertTokenMayWrite(auth: RequestAuth): void {
  if (auth.via === 'token' && auth.token?.scope !== 'write') {
    throw new ForbiddenError(
      `This API token has scope '${auth.token?.scope}', which cannot write; create one with --scope write.`,
    )
  }
}

/**
 * Refuse a write the caller may not make, before its body is read: a read-only token, or
 * the collection's access for `op` (which never sees the data; a constraint on the
 * document is checked by the write itself). Callers who may not write learn nothing from
 * the body's checks, and cannot make the server read a large body.
 */
export async function assertMayWrite(
  collection: SanitizedCollection,
  auth: RequestAuth,
  op: 'create' | 'update' | 'delete' | 'publish',
): Promise<void> {
  assertTokenMayWrite(auth)
  await requireAccess(collection, op, { user: auth.user ?? null, overrideAccess: false })
}

/**
 * The same for a global, whose first write is a create and every later one an update:
 * refused when the caller may do neither (or, for `publish`, may not publish).
 */
export async function assertMayWriteGlobal(
  global: SanitizedCollection,
  auth: RequestAuth,
  op: 'update' | 'publish',
): Promise<void> {
  assertTokenMayWrite(auth)
  const caller = { user: auth.user ?? null, overrideAccess: false }
  if (op === 'publish') {
    await requireAccess(global, 'publish', caller)
    return
  }
  if ((await decideAccess(global, 'update', caller)).allowed) return
  await requireAccess(global, 'create', caller)
}
