import { callerOf, requireAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { NotFoundError } from '../../errors'
import type { EngineState } from '../engine-state'
import type { GalleyDoc, RestoreRevisionArgs } from '../galley-types'
import { draftFlag, openForWrite } from '../write/preconditions'
import { prepare } from '../write/prepare'
import { writeDocument } from '../write/write-document'

/** Make an old revision's content the draft (the default with drafts) or publish it. */
export async function restoreRevisionOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<RestoreRevisionArgs, 'collection'>,
): Promise<GalleyDoc<R>> {
  const caller = callerOf(args)
  const draft = draftFlag(coll, args.draft ?? coll.drafts)
  return writeDocument(s, coll, args.id, caller, undefined, async (w) => {
    const current = await openForWrite(coll, w, caller, 'update', args.ifRevision).catch(
      (e: unknown) => {
        // A global is always there to its callers; the thing missing is the revision.
        if (e instanceof NotFoundError && coll.kind === 'global' && !w.doc)
          throw new NotFoundError(
            `Revision ${JSON.stringify(args.revisionId)} of global '${coll.slug}' does not exist: ` +
              'the global was never saved, so it has no revisions.',
          )
        throw e
      },
    )
    if (!draft) await requireAccess(coll, 'publish', caller)
    const rev =
      typeof args.revisionId === 'string'
        ? await w.tx.getRevision(coll.storageKey, args.id, args.revisionId)
        : undefined
    if (!rev || !rev.data)
      throw new NotFoundError(
        `Revision ${JSON.stringify(args.revisionId)} of '${coll.slug}' ${args.id} does not exist or holds no content.`,
      )
    const data = await prepare(coll, w, rev.data, {
      draft,
      operation: 'update',
      original: current.data,
      caller,
    })
    return { action: 'restore', variant: draft ? 'draft' : 'published', data, hook: 'restore' }
  })
}
