import { type Caller, decideAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { ForbiddenError } from '../../errors'
import type { ResolvedPerspective } from '../../perspectives/perspective'
import { andNodes } from '../../where/parse-where'
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
