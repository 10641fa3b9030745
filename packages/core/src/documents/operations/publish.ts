import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { InputError, NotFoundError } from '../../errors'
import { isReleaseId } from '../../perspectives/perspective'
import type { EngineState } from '../engine-state'
import type { DocumentActionArgs, GalleyDoc } from '../galley-types'
import { openForWrite } from '../write/preconditions'
import { validateOnly } from '../write/prepare'
import { writeDocument } from '../write/write-document'

/**
 * Promote the draft to published content, validated fully; without a draft, nothing to do.
 * With `release`, publish that release's content of the document instead (its draft stays).
 */
export async function publishOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: Omit<DocumentActionArgs, 'collection'>,
): Promise<GalleyDoc<R>> {
  const caller = callerOf(args)
  const release = releaseArg(args.release)
  return writeDocument(s, coll, args.id, caller, undefined, async (w) => {
    await openForWrite(coll, w, caller, 'publish', args.ifRevision)
    if (release) {
      const variant = `release:${release}` as const
      const content = w.heads.get(variant)
      if (!content)
        throw new NotFoundError(`'${coll.slug}' ${args.id} has no content in release ${release}.`)
      const data = await validateOnly(coll, content.data, false)
      return { action: 'publish', variant, data, hook: 'publish' }
    }
    const draft = w.heads.get('draft')
    if (!draft) return null // already published: nothing to do
    const data = await validateOnly(coll, draft.data, false)
    return { action: 'publish', variant: 'published', data, hook: 'publish' }
  })
}

/** A release id argument, or an `InputError` saying what one looks like. */
export function releaseArg(release: unknown): string | undefined {
  if (release === undefined) return undefined
  if (!isReleaseId(release))
    throw new InputError(
      "release must be 1–64 letters, digits, - or _, and not 'published', 'drafts', 'draft' or 'raw'.",
    )
  return release
}
