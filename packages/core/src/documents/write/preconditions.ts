import { type Caller, decideAccess, requireAccess } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../errors'
import { matchWhere } from '../../where/match-where'
import type { WhereNode } from '../../where/where-types'
import { statusOf } from '../heads'
import { mayReadIn } from '../read/read-access'
import type { WriteState } from './write-plan'

type Data = Record<string, unknown>

/**
 * Refuse write flags that contradict each other, rather than pick one silently: `autosave`
 * saves a draft, so not with `draft: false`; `release` writes that release's version, not
 * the draft, so not with `draft` or `autosave`.
 */
export function checkWriteFlags(args: {
  draft?: boolean
  autosave?: boolean
  release?: string
}): void {
  if (args.autosave && args.draft === false)
    throw new InputError(
      'autosave saves a draft, so it contradicts draft: false: leave draft out, or send draft: true.',
    )
  if (args.release !== undefined && (args.draft || args.autosave))
    throw new InputError(
      `release writes that release's version of the document, not its draft: send release without draft and autosave, or draft without release.`,
    )
}

/** `draft` as asked, or an `InputError` when the collection keeps no drafts. */
export function draftFlag(coll: SanitizedCollection, draft: boolean | undefined): boolean {
  if (draft && !coll.drafts) {
    throw new InputError(
      `'${coll.slug}' has no drafts: enable versions: { drafts: true } or write without draft.`,
    )
  }
  return !!draft
}

/**
 * The write preamble, in an order that leaks nothing: the caller's permission for `op`
 * (before anything about the document is revealed), existence, the revision check, then
 * the permission's constraint against the newest content.
 */
export async function openForWrite(
  coll: SanitizedCollection,
  w: WriteState,
  caller: Caller,
  op: 'update' | 'publish',
  ifRevision: string | undefined,
): Promise<{ data: Data }> {
  const where = await requireAccess(coll, op, caller)
  const current = requireExisting(coll, w)
  await checkRevision(coll, w, caller, ifRevision)
  assertMatches(
    where,
    { id: w.id, data: current.data, status: statusOf(w.heads) },
    `${op} '${coll.slug}' ${w.id}`,
  )
  return current
}

/**
 * `ifRevision` passes when it names the newest revision, or the revision behind the
 * content a drafts read returns now (after a discard the newest revision backs no
 * variant, yet a client that read the document since holds the current content).
 */
export async function checkRevision(
  coll: SanitizedCollection,
  w: WriteState,
  caller: Caller,
  ifRevision: string | undefined,
): Promise<void> {
  if (ifRevision === undefined) return
  const headRev = (w.heads.get('draft') ?? w.heads.get('published'))?.rev ?? null
  const latest = w.doc?.latestRev ?? null
  if (ifRevision === latest || (headRev !== null && ifRevision === headRev)) return
  const current = headRev ?? latest
  const shown = (await mayReadNewest(coll, w, caller)) ? current : null
  throw new ConflictError(
    `The document changed since revision ${ifRevision}; reload it${shown ? ` (current revision ${shown})` : ''} and reapply your change.`,
    shown,
  )
}

/**
 * Whether the caller may read the document's newest content as a drafts read returns it:
 * only then may an error name its revision ids (a `read` rule that hides the document hides
 * them too, whatever the write permission).
 */
export async function mayReadNewest(
  coll: SanitizedCollection,
  w: WriteState,
  caller: Caller,
): Promise<boolean> {
  const variant = w.heads.has('draft')
    ? 'draft'
    : w.heads.has('published')
      ? 'published'
      : w.heads.keys().next().value
  const row = variant && w.heads.get(variant)
  if (!variant || !row) return false
  return mayReadIn(
    coll,
    { kind: 'drafts' },
    {
      id: w.id,
      createdAt: w.createdAt ?? '',
      updatedAt: row.updatedAt,
      status: statusOf(w.heads),
      variant,
      data: row.data,
    },
    caller,
  )
}

/** Whether the caller may see draft content (and so revision ids) of `coll`. */
export async function mayReadDrafts(coll: SanitizedCollection, caller: Caller): Promise<boolean> {
  return (await decideAccess(coll, 'readDrafts', caller)).allowed
}

/**
 * The newest content of the locked document, or a `NotFoundError`. A document made inside a
 * release has only that release's variant until the release is published: its content.
 */
export function requireExisting(coll: SanitizedCollection, w: WriteState): { data: Data } {
  const row = w.heads.get('draft') ?? w.heads.get('published') ?? w.heads.values().next().value
  if (!w.doc || !row)
    throw new NotFoundError(`'${coll.slug}' ${JSON.stringify(w.id)} does not exist.`)
  return { data: row.data }
}

/** A `NotFoundError` for an id no document can have, quoting at most 80 characters of it. */
export function requireValidId(coll: SanitizedCollection, id: unknown, valid: boolean): void {
  if (!valid)
    throw new NotFoundError(
      `'${coll.slug}' ${JSON.stringify(String(id)).slice(0, 80)} does not exist.`,
    )
}

/** A `ForbiddenError` unless `target` matches an access constraint. */
export function assertMatches(
  where: WhereNode | undefined,
  target: { id: string; data: Data; createdAt?: string; status?: string },
  what: string,
): void {
  if (!where) return
  const t = { createdAt: '', updatedAt: '', status: 'draft', ...target } as Parameters<
    typeof matchWhere
  >[1]
  if (!matchWhere(where, t)) throw new ForbiddenError(`You are not allowed to ${what}.`)
}
