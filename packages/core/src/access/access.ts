import type { SanitizedCollection } from '../config/config-types'
import { ForbiddenError } from '../errors'
import type { AccessOperation } from '../fields/field-types'
import { parseWhere } from '../where/parse-where'
import type { WhereNode } from '../where/where-types'

/** Outcome of an access check: everything, nothing, or only what matches `where`. */
export type AccessDecision = { allowed: false } | { allowed: true; where?: WhereNode }

/** Who is calling. `undefined` is trusted server code; `null` is an anonymous caller. */
export interface Caller {
  user: unknown
  overrideAccess: boolean
}

/** The caller of a Local API call: omitting `user` means trusted server code (access skipped). */
export function callerOf(args: { user?: unknown; overrideAccess?: boolean }): Caller {
  return { user: args.user, overrideAccess: args.overrideAccess ?? args.user === undefined }
}

/**
 * Run a collection's access rule. Without a rule, reading published content is open
 * and everything else needs a signed-in user.
 */
export async function decideAccess(
  collection: SanitizedCollection,
  operation: AccessOperation,
  caller: Caller,
): Promise<AccessDecision> {
  if (caller.overrideAccess) return { allowed: true }
  const rule = collection.access[operation]
  const user = caller.user ?? null
  if (!rule) return operation === 'read' || user ? { allowed: true } : { allowed: false }
  const result = await rule({ user, operation, req: { user } })
  if (result === true) return { allowed: true }
  if (result === false || result === undefined || result === null) return { allowed: false }
  return { allowed: true, where: parseWhere(result, collection.paths, collection.slug) }
}

/** Like `decideAccess`, but throws `ForbiddenError` when denied. */
export async function requireAccess(
  collection: SanitizedCollection,
  operation: AccessOperation,
  caller: Caller,
): Promise<WhereNode | undefined> {
  const d = await decideAccess(collection, operation, caller)
  if (!d.allowed) {
    throw new ForbiddenError(
      `You are not allowed to ${describeOp(operation)} in '${collection.slug}'.`,
    )
  }
  return d.where
}

function describeOp(op: AccessOperation): string {
  switch (op) {
    case 'readDrafts':
      return 'read drafts'
    case 'read':
      return 'read documents'
    default:
      return `${op} documents`
  }
}
