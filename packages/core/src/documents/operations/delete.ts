import { callerOf, requireAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { NotFoundError } from '../../errors'
import { hookList } from '../../hooks/hook-types'
import { isValidId } from '../../ids'
import { type EngineState, announce, inTransaction } from '../engine-state'
import type { DeleteArgs } from '../galley-types'
import { matchTarget, toDoc } from '../read/to-doc'
import { assertMatches, checkRevision, requireValidId } from '../write/preconditions'
import { headMapOf } from '../write/store-heads'

/** Remove a document with every variant and its history; afterDelete hooks see what it was. */
export async function deleteOperation(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<DeleteArgs, 'collection'>,
): Promise<{ id: string }> {
  const caller = callerOf(args)
  requireValidId(coll, args.id, isValidId(args.id))
  const where = await requireAccess(coll, 'delete', caller)
  return inTransaction(s, async (tx, inner) => {
    const { doc, heads } = await tx.openDocument(coll.storageKey, String(args.id))
    if (!doc) throw new NotFoundError(`'${coll.slug}' ${JSON.stringify(args.id)} does not exist.`)
    const w = {
      tx,
      state: inner,
      id: args.id,
      doc,
      heads: headMapOf(heads),
      createdAt: heads[0]?.createdAt,
    }
    await checkRevision(coll, w, caller, args.ifRevision)
    const resolved = heads.find((h) => h.inDrafts) ?? heads[0]
    if (resolved) assertMatches(where, matchTarget(resolved), `delete '${coll.slug}' ${args.id}`)
    await tx.deleteDocument(coll.storageKey, args.id)
    announce(inner, {
      kind: coll.kind,
      collection: coll.slug,
      id: args.id,
      operation: 'delete',
      published: heads.some((h) => h.variant === 'published'),
      status: null,
    })
    const before = resolved ? toDoc(resolved) : null
    for (const hook of hookList(coll.hooks.afterDelete))
      await hook({ id: args.id, doc: before, user: caller.user, galley: inner.api })
    return { id: args.id }
  })
}
