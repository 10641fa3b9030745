import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { InputError } from '../../errors'
import type { EngineState } from '../engine-state'
import type { DocumentActionArgs, GalleyDoc } from '../galley-types'
import { draftFlag, openForWrite } from '../write/preconditions'
import { writeDocument } from '../write/write-document'

/** Take the published content down; it becomes the draft unless a newer draft exists. */
export async function unpublishOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<DocumentActionArgs, 'collection'>,
): Promise<GalleyDoc<R>> {
  const caller = callerOf(args)
  draftFlag(coll, true)
  return writeDocument(s, coll, args.id, caller, undefined, async (w) => {
    await openForWrite(coll, w, caller, 'publish', args.ifRevision)
    const published = w.heads.get('published')
    if (!published) throw new InputError(`'${coll.slug}' ${args.id} is not published.`)
    // A newer draft stays the working copy; otherwise the published content becomes it.
    const data = w.heads.get('draft')?.data ?? published.data
    return { action: 'unpublish', variant: 'draft', data, hook: 'unpublish' }
  })
}
