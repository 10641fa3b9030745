import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { InputError } from '../../errors'
import type { EngineState } from '../engine-state'
import type { DocumentActionArgs, GalleyDoc } from '../galley-types'
import { openForWrite } from '../write/preconditions'
import { writeDocument } from '../write/write-document'
import { releaseArg } from './publish'

/**
 * "Revert to published": drop the draft; drafts reads show the published content again,
 * and a `discardDraft` revision holding that content records it in history. With `release`,
 * take the document out of that release instead.
 */
export async function discardDraftOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<DocumentActionArgs, 'collection'>,
): Promise<GalleyDoc<R>> {
  const caller = callerOf(args)
  const release = releaseArg(args.release)
  return writeDocument(s, coll, args.id, caller, undefined, async (w) => {
    await openForWrite(coll, w, caller, 'update', args.ifRevision)
    if (release) {
      // Take the document out of the release: its release variant goes, nothing else moves.
      const variant = `release:${release}` as const
      const content = w.heads.get(variant)
      if (!content) return null
      return { action: 'discardDraft', variant, data: content.data, hook: 'discardDraft' }
    }
    if (!w.heads.has('draft')) return null
    const published = w.heads.get('published')
    if (!published) {
      throw new InputError(
        `'${coll.slug}' ${args.id} was never published, so there is nothing to revert to; delete it instead.`,
      )
    }
    // The revision holds the published content it reverts to, so history can show and
    // restore it; applyRevision leaves the published head (and its revision) as it is.
    const data = published.data
    return { action: 'discardDraft', variant: 'draft', data, hook: 'discardDraft' }
  })
}
