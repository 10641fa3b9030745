import { callerOf, requireAccess } from '../access/access'
import type { SanitizedCollection } from '../config/config-types'
import { validateFields } from '../fields/validate-fields'
import { resolvePerspective } from '../perspectives/perspective'
import type { EngineState } from './engine-state'
import type { FindGlobalArgs, GalleyDoc, UpdateGlobalArgs } from './galley-types'
import { findDocuments } from './read/find'
import { checkRevision, checkWriteFlags, draftFlag, openForWrite } from './write/preconditions'
import { prepare, requireFieldValues } from './write/prepare'
import { changesNothing, statusIntent } from './write/status-intent'
import { writeDocument } from './write/write-document'

/**
 * A global in a perspective. One never saved (or saved only as a draft the caller cannot
 * see) reads as its defaults, with null metadata.
 */
export async function findGlobalDocument(
  s: EngineState,
  g: SanitizedCollection,
  args: FindGlobalArgs,
): Promise<GalleyDoc> {
  const res = await findDocuments(
    s,
    g,
    { ...args, collection: g.slug, where: undefined, limit: 1 },
    g.slug,
  )
  if (res.docs[0]) return res.docs[0]
  const { data } = await validateFields(g.fields, {}, { draft: true, applyDefaults: true })
  const doc: Record<string, unknown> = {
    ...data,
    id: g.slug,
    _status: null,
    _variant: null,
    _rev: null,
    createdAt: null,
    updatedAt: null,
  }
  // The same shape as a saved global's in the same perspective (see adoptDocWithAuthor).
  if (resolvePerspective(args.perspective, args.draft).kind !== 'published') doc.updatedBy = null
  return doc as unknown as GalleyDoc
}

/**
 * Write a global: its first write creates it (`create` permission, defaults applied),
 * later ones update it; `draft`/`autosave` write the draft, otherwise it is published.
 * `_status` is read as in `update`: `'draft'` without a draft flag also unpublishes.
 */
export async function updateGlobalOperation<R>(
  s: EngineState,
  g: SanitizedCollection,
  args: UpdateGlobalArgs,
): Promise<GalleyDoc<R>> {
  checkWriteFlags(args)
  const intent = statusIntent(g, args.data, args.draft || args.autosave)
  const draft = draftFlag(g, intent.draft)
  const caller = callerOf(args)
  return writeDocument(s, g, g.slug, caller, undefined, async (w) => {
    const current = w.doc ? await openForWrite(g, w, caller, 'update', args.ifRevision) : null
    if (!current) {
      await requireAccess(g, 'create', caller)
      await checkRevision(g, w, caller, args.ifRevision)
    }
    const unpublish = intent.unpublish && w.heads.has('published')
    if (!draft || unpublish) await requireAccess(g, 'publish', caller)
    if (current && changesNothing(intent, w.heads)) return null
    const merged = { ...(current?.data ?? {}), ...requireFieldValues(intent.data) }
    const data = await prepare(g, w, merged, {
      draft,
      operation: current ? 'update' : 'create',
      original: current?.data ?? null,
      caller,
    })
    if (unpublish) return { action: 'unpublish', variant: 'draft', data, hook: 'unpublish' }
    const autosave = !!args.autosave && draft
    return {
      action: current ? (autosave ? 'autosave' : 'update') : 'create',
      variant: draft ? 'draft' : 'published',
      data,
      hook: current ? 'update' : 'create',
      autosave,
    }
  })
}
