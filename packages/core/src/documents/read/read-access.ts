import { type Caller, decideAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { ForbiddenError } from '../../errors'
import type { ResolvedPerspective } from '../../perspectives/perspective'
import { andNodes } from '../../where/parse-where'
import { type MatchTarget, matchWhere } from '../../where/match-where'
import type { HeadRow } from '../../storage/storage-adapter'
import { matchTarget } from './to-doc'
import type { WhereNode } from '../../where/where-types'

/**
 * What the caller may read of `coll` in a perspective: `false` (nothing), `undefined`
 * (everything) or a constraint. Any perspective but `published` needs `readDrafts` too,
 * and asking for one without it is a `ForbiddenError`, not an empty answer.
 */
export async function readAccess(
  coll: SanitizedCollection,
  perspective: ResolvedPerspective,
  caller: Caller,
): Promise<WhereNode | undefined | false> {
  const read = await decideAccess(coll, 'read', caller)
  if (!read.allowed) return false
  if (perspective.kind === 'published') return read.where
  const drafts = await decideAccess(coll, 'readDrafts', caller)
  if (!drafts.allowed) {
    throw new ForbiddenError(
      `Reading '${coll.slug}' in a perspective other than 'published' needs the readDrafts permission.`,
    )
  }
  return andNodes(read.where, drafts.where) ?? undefined
}

/** Whether content `target` is readable under `access` (what readAccess answered). */
export function allows(access: WhereNode | undefined | false, target: MatchTarget): boolean {
  return access !== false && (access === undefined || matchWhere(access, target))
}

/**
 * Whether `caller` may read `row` as a read would answer it: the published variant under
 * the `read` rule, any other variant in a drafts perspective (`read` and `readDrafts`).
 */
export async function mayReadRow(
  coll: SanitizedCollection,
  row: HeadRow,
  caller: Caller,
): Promise<boolean> {
  const perspective: ResolvedPerspective =
    row.variant === 'published' ? { kind: 'published' } : { kind: 'drafts' }
  return mayReadIn(coll, perspective, matchTarget(row), caller)
}

/** Whether `caller` may read content `target` in `perspective` (false, not an error, without readDrafts). */
export async function mayReadIn(
  coll: SanitizedCollection,
  perspective: ResolvedPerspective,
  target: MatchTarget,
  caller: Caller,
): Promise<boolean> {
  if (caller.overrideAccess) return true
  try {
    return allows(await readAccess(coll, perspective, caller), target)
  } catch (err) {
    if (err instanceof ForbiddenError) return false
    throw err
  }
}
