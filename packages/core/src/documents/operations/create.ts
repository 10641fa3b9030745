import { callerOf, requireAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { ConflictError, InputError } from '../../errors'
import { isValidId, newId } from '../../ids'
import type { EngineState } from '../engine-state'
import type { CreateArgs, GalleyDoc } from '../galley-types'
import { assertMatches, checkWriteFlags, draftFlag, mayReadNewest } from '../write/preconditions'
import { prepare } from '../write/prepare'
import { statusIntent } from '../write/status-intent'
import { writeDocument } from '../write/write-document'
import { releaseArg } from './publish'

/**
 * A new document: a never-published draft with `draft: true` or `_status: 'draft'`
 * (relaxed validation), else published.
 */
export async function createOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: CreateArgs,
): Promise<GalleyDoc<R>> {
  const id = args.id ?? newId()
  if (!isValidId(id)) throw new InputError(`id must be 1–64 letters, digits, '-' or '_'.`)
  checkWriteFlags(args)
  const release = releaseArg(args.release)
  const intent = statusIntent(coll, args.data, args.draft || release !== undefined)
  const draft = draftFlag(coll, intent.draft)
  const caller = callerOf(args)
  // An id made here is new: the write need not read the document first.
  const fresh = args.id === undefined
  return writeDocument(
    s,
    coll,
    id,
    caller,
    args.depth,
    async (w) => {
      // Permission first: a caller who may not create learns nothing about existing ids.
      const createWhere = await requireAccess(coll, 'create', caller)
      if (!draft) await requireAccess(coll, 'publish', caller)
      if (w.doc)
        throw new ConflictError(
          `A '${coll.slug}' document with id '${id}' already exists.`,
          (await mayReadNewest(coll, w, caller)) ? w.doc.latestRev : null,
        )
      const data = await prepare(coll, w, intent.data, {
        draft,
        operation: 'create',
        original: null,
        caller,
      })
      assertMatches(createWhere, { id, data }, `create this '${coll.slug}' document`)
      const variant = release ? (`release:${release}` as const) : draft ? 'draft' : 'published'
      return { action: 'create', variant, data, hook: 'create' }
    },
    fresh,
  )
}
