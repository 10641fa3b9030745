import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import type { EngineState } from '../engine-state'
import type { DocumentActionArgs, GalleyDoc } from '../galley-types'
import { openForWrite } from '../write/preconditions'
import { validateOnly } from '../write/prepare'
import { writeDocument } from '../write/write-document'

/** Promote the draft to published content, validated fully; without a draft, nothing to do. */
export async function publishOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<DocumentActionArgs, 'collection'>,
): Promise<GalleyDoc<R>> {
  const caller = callerOf(args)
  return writeDocument(s, coll, args.id, caller, undefined, async (w) => {
    await openForWrite(coll, w, caller, 'publish', args.ifRevision)
    const draft = w.heads.get('draft')
    if (!draft) return null // already published: nothing to do
    const data = await validateOnly(coll, draft.data, false)
    return { action: 'publish', variant: 'published', data, hook: 'publish' }
  })
}
