import type { Caller } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { NotFoundError, ValidationError } from '../../errors'
import { hookList } from '../../hooks/hook-types'
import { isValidId, newIdAfter } from '../../ids'
import type { ResolvedPerspective, Variant } from '../../perspectives/perspective'
import type { HeadRow, RevisionRow, StorageTransaction } from '../../storage/storage-adapter'
import { UniqueViolation } from '../../storage/storage-adapter'
import { isoNow } from '../../timestamps'
import { type EngineState, announce, inTransaction } from '../engine-state'
import type { GalleyDoc } from '../galley-types'
import { type HeadMap, applyRevision, statusOf } from '../heads'
import { parseDepth } from '../query-args'
import { documentsOf } from '../read/find'
import { copyOfRow, toDoc } from '../read/to-doc'
import { mayReadRow } from '../read/read-access'
import { mayReadDrafts, requireValidId } from './preconditions'
import { headMapOf, storeHeads } from './store-heads'
import type { Planner, WritePlan, WriteState } from './write-plan'

/**
 * The one write path: lock the document, let `plan` decide the revision, apply it to
 * the heads with `applyRevision`, store heads, history and document row, prune, run
 * after-hooks — all in one transaction. Then populate the result as the caller may read.
 * `fresh`: the id was just generated for this write, so no document has it and nothing is
 * read (were one to have it, the insert of its head would fail on the primary key).
 */
export async function writeDocument<R>(
  s: EngineState,
  coll: SanitizedCollection,
  id: string,
  caller: Caller,
  depth: number | undefined,
  plan: Planner,
  fresh = false,
): Promise<GalleyDoc<R>> {
  requireValidId(coll, id, isValidId(id))
  const d = parseDepth(depth, s.config.defaultDepth, s.config.maxDepth)
  let row: HeadRow
  try {
    row = await inTransaction(s, async (tx, inner) => {
      const { doc, heads: headRows } = fresh
        ? { doc: undefined, heads: [] }
        : await tx.openDocument(coll.storageKey, id)
      const heads = headMapOf(headRows)
      const w: WriteState = { tx, state: inner, id, doc, heads, createdAt: headRows[0]?.createdAt }
      const p = await plan(w)
      if (!p) {
        const row = headRows.find((h) => h.inDrafts) ?? headRows[0]
        if (!row) throw new NotFoundError(`'${coll.slug}' ${id} does not exist.`)
        return row
      }
      return commitPlan(coll, w, headRows, p, caller)
    })
  } catch (err) {
    throw err instanceof UniqueViolation ? uniqueError(coll, err) : err
  }
  // The answer is a read: content the caller's read rules hide is not answered, even
  // though the write rules let it write (a write whose answer it may not read).
  if (!(await mayReadRow(coll, row, caller))) return { id: row.id } as GalleyDoc<R>
  if (d === 0) return toDoc(row) as GalleyDoc<R>
  // Related documents are read as the caller may read them: drafts only with readDrafts.
  const related: ResolvedPerspective = (await mayReadDrafts(coll, caller))
    ? { kind: 'drafts' }
    : { kind: 'published' }
  // documentsOf takes over its rows' content; this row's is the write's own.
  const [doc] = await documentsOf(s, coll, [copyOfRow(row)], related, d, caller, undefined, false)
  return doc as GalleyDoc<R>
}

/** Store the planned revision and the heads it implies; returns the head to answer with. */
async function commitPlan(
  coll: SanitizedCollection,
  w: WriteState,
  headRows: HeadRow[],
  p: WritePlan,
  caller: Caller,
): Promise<HeadRow> {
  const { tx, id, doc, heads } = w
  const now = isoNow()
  const createdAt = headRows[0]?.createdAt ?? now
  const author = authorOf(caller.user)
  let coalesce: RevisionRow | undefined
  if (p.autosave && doc && heads.get('draft')?.rev === doc.latestRev) {
    const last = await tx.getRevision(coll.storageKey, id, doc.latestRev)
    if (last?.autosave && last.author === author) coalesce = last
  }
  const rev: RevisionRow = {
    id: newIdAfter(doc?.latestRev),
    collection: coll.storageKey,
    docId: id,
    variant: p.variant,
    action: p.action,
    data: p.data,
    author,
    autosave: !!p.autosave,
    createdAt: now,
  }
  const next = applyRevision(heads, rev)
  // The revision before the heads that point at it: a store may link a head to its
  // revision's row as it writes the head (SQLite keeps the row number, see statements.ts).
  await tx.insertRevision(rev)
  try {
    await storeHeads(tx, coll, id, createdAt, headRows, next)
  } catch (err) {
    await undoWrite(tx, coll, id, createdAt, headRows, rev.id)
    throw err
  }
  // Consecutive autosaves replace the newest autosave revision instead of piling up;
  // it gets a fresh id so `ifRevision` stays a true compare-and-swap.
  if (coalesce) await tx.deleteRevision(coll.storageKey, id, coalesce.id)
  const revCount = (doc?.revCount ?? 0) + (coalesce ? 0 : 1)
  if (revCount > coll.maxPerDoc) {
    const keep = [...next.values()].map((h) => h.rev)
    await tx.pruneRevisions(coll.storageKey, id, revCount - coll.maxPerDoc, keep)
  }
  const status = statusOf(next)
  announce(w.state, {
    kind: coll.kind,
    collection: coll.slug,
    id,
    operation: p.hook,
    published: next.get('published')?.rev !== heads.get('published')?.rev,
    status,
    rev: rev.id,
  })
  const row = resultRow(coll, id, p.variant, next, createdAt)
  await runAfterHooks(coll, w, p, row, next, caller)
  return row
}

/**
 * A head refused (a unique clash) after others of the same write were stored: put the
 * document back as it was, heads and history, so that a caller who catches the error and
 * goes on with its transaction (`galley.transaction`) commits none of this write. Where the
 * store's transaction is no longer usable (PostgreSQL aborts it at the first error), none of
 * it commits anyway and this finds nothing to do.
 */
async function undoWrite(
  tx: StorageTransaction,
  coll: SanitizedCollection,
  id: string,
  createdAt: string,
  before: HeadRow[],
  revisionId: string,
): Promise<void> {
  try {
    const { heads: now } = await tx.openDocument(coll.storageKey, id)
    await storeHeads(tx, coll, id, createdAt, now, headMapOf(before))
    await tx.deleteRevision(coll.storageKey, id, revisionId)
  } catch {
    // The transaction is aborted; the original error says what went wrong.
  }
}

/** The head a write answers with: the release it wrote, else what a drafts read shows. */
function resultRow(
  coll: SanitizedCollection,
  id: string,
  written: Variant,
  next: HeadMap,
  createdAt: string,
): HeadRow {
  const variant: Variant =
    written.startsWith('release:') && next.has(written)
      ? written
      : next.has('draft')
        ? 'draft'
        : 'published'
  const h = next.get(variant)!
  return {
    collection: coll.storageKey,
    id,
    variant,
    rev: h.rev,
    status: statusOf(next),
    inDrafts: !variant.startsWith('release:'),
    data: h.data,
    createdAt,
    updatedAt: h.updatedAt,
  }
}

/** afterChange for every write; afterPublish when published content was written. */
async function runAfterHooks(
  coll: SanitizedCollection,
  w: WriteState,
  p: WritePlan,
  row: HeadRow,
  next: HeadMap,
  caller: Caller,
): Promise<void> {
  const afterChange = hookList(coll.hooks.afterChange)
  const afterPublish =
    p.action === 'publish' || (p.variant === 'published' && p.action !== 'unpublish')
      ? hookList(coll.hooks.afterPublish)
      : []
  if (!afterChange.length && !afterPublish.length) return
  const previous = w.heads.get('draft') ?? w.heads.get('published')
  const afterArgs = {
    doc: toDoc(row),
    previousDoc: previous ? { ...previous.data, id: w.id } : null,
    operation: p.hook,
    user: caller.user,
    galley: w.state.api,
  }
  for (const hook of afterChange) await hook(afterArgs)
  for (const hook of afterPublish)
    await hook({
      ...afterArgs,
      doc: toDoc({ ...row, variant: 'published', data: next.get('published')!.data }),
    })
}

function uniqueError(coll: SanitizedCollection, err: UniqueViolation): ValidationError {
  return new ValidationError(
    [
      {
        path: err.path,
        message: 'This value is already used by another document; it must be unique.',
      },
    ],
    coll.slug,
  )
}

/** The revision author: the user's id, or null for server code and anonymous callers. */
function authorOf(user: unknown): string | null {
  if (user && typeof user === 'object' && 'id' in user) return String((user as { id: unknown }).id)
  return null
}
