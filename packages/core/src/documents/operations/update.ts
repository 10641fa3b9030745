import { callerOf, requireAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { InputError } from '../../errors'
import type { Variant } from '../../perspectives/perspective'
import type { EngineState } from '../engine-state'
import type { GalleyDoc, UpdateArgs } from '../galley-types'
import { checkWriteFlags, draftFlag, openForWrite } from '../write/preconditions'
import { prepare, requireFieldValues } from '../write/prepare'
import { changesNothing, statusIntent } from '../write/status-intent'
import { writeDocument } from '../write/write-document'

/**
 * Change fields of a document: its draft (`draft`, `autosave`), a release's content
 * (`release`), or its published content (otherwise, dropping any draft). `_status:
 * 'draft'` without a draft flag writes the draft and unpublishes.
 */
export async function updateOperation<R>(
  s: EngineState,
  coll: SanitizedCollection,
  args: UpdateArgs,
): Promise<GalleyDoc<R>> {
  checkWriteFlags(args)
  const asked = args.draft || args.autosave || args.release !== undefined
  const intent = statusIntent(coll, args.data, asked)
  const draft = draftFlag(coll, intent.draft)
  const caller = callerOf(args)
  if (args.release !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(args.release)) {
    throw new InputError('release must be 1–64 letters, digits, - or _.')
  }
  return writeDocument(s, coll, args.id, caller, args.depth, async (w) => {
    const current = await openForWrite(coll, w, caller, 'update', args.ifRevision)
    const unpublish = intent.unpublish && w.heads.has('published')
    if (!draft || unpublish) await requireAccess(coll, 'publish', caller)
    if (changesNothing(intent, w.heads)) return null
    const variant: Variant = args.release
      ? `release:${args.release}`
      : draft
        ? 'draft'
        : 'published'
    const base = (args.release ? w.heads.get(variant)?.data : undefined) ?? current.data
    const merged = { ...base, ...requireFieldValues(intent.data) }
    const data = await prepare(coll, w, merged, {
      draft,
      operation: 'update',
      original: current.data,
      caller,
    })
    if (unpublish) return { action: 'unpublish', variant, data, hook: 'unpublish' }
    const autosave = !!args.autosave && variant === 'draft'
    return { action: autosave ? 'autosave' : 'update', variant, data, hook: 'update', autosave }
  })
}
