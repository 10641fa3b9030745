import type { SanitizedCollection } from '../../config/config-types'
import { InputError, ValidationError } from '../../errors'
import type { HeadMap } from '../heads'

/** What a write asks for once `_status` in its data is read, the way Payload's API reads it. */
export interface StatusIntent {
  /** The data without `_status`. */
  data: unknown
  /** Write the draft variant (relaxed validation). */
  draft: boolean
  /** Also take the published content down: `_status: 'draft'` without a draft flag. */
  unpublish: boolean
  /** `_status` was the only key, so a write that would change nothing is skipped. */
  statusOnly: boolean
}

/**
 * Read `_status` in write data. `'draft'` writes the draft; on an update without a draft
 * flag it also unpublishes (the published content becomes the draft, nothing pending is
 * published). `'published'` publishes, as a write without a draft flag does. Any other
 * value, or `'published'` with a draft flag (`draft`, `autosave`, `release`), is refused
 * with a message that says what to send: a status is never silently dropped.
 * @example statusIntent(posts, { _status: 'draft' }, undefined) // { draft: true, unpublish: true, … }
 */
export function statusIntent(
  coll: SanitizedCollection,
  data: unknown,
  draftAsked: boolean | undefined,
): StatusIntent {
  if (!isRecord(data) || !('_status' in data) || data._status === undefined)
    return { data, draft: !!draftAsked, unpublish: false, statusOnly: false }
  const { _status: status, ...rest } = data
  const statusOnly = Object.keys(rest).length === 0
  if (status === 'published') {
    if (draftAsked)
      throw new InputError(
        `_status 'published' contradicts draft: true. To save a draft, send _status 'draft' or leave it out; to publish, leave out draft (and autosave, release).`,
      )
    return { data: rest, draft: false, unpublish: false, statusOnly }
  }
  if (status === 'draft') {
    if (!coll.drafts)
      throw new InputError(
        `'${coll.slug}' has no drafts, so _status 'draft' cannot be written: enable versions: { drafts: true }, or send _status 'published' or leave it out.`,
      )
    return { data: rest, draft: true, unpublish: !draftAsked, statusOnly }
  }
  throw new ValidationError(
    [
      {
        path: '_status',
        message: `must be 'draft' or 'published', not ${describe(status)}${status === 'changed' ? " ('changed' is a status Galley reports, not one you write)" : ''}: send 'draft' to save as a draft (unpublishing a published document), 'published' to publish, or leave _status out.`,
      },
    ],
    coll.slug,
  )
}

/**
 * Whether a write of `_status` alone would change nothing, so that no revision is made:
 * `'draft'` on a document that is not published, `'published'` on one without a draft.
 */
export function changesNothing(intent: StatusIntent, heads: HeadMap): boolean {
  if (!intent.statusOnly) return false
  return intent.draft ? intent.unpublish && !heads.has('published') : !heads.has('draft')
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 40)}…'` : `'${v}'`
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  return typeof v === 'object' ? 'an object' : String(v)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
