import type { Variant } from '@galley/core'
import type { HeadRow, RevisionRow } from '@galley/core/storage'
import type { SqlDialect } from './sql-dialect'
import { HEAD_SEPARATOR } from './statements'

/** A head as a statement returns it, with its content (`data`) from the head's revision. */
export interface RawHead {
  collection: string
  id: string
  variant: string
  rev: string
  status: string
  in_drafts: unknown
  data: unknown
  created_at: string
  updated_at: string
  /** Only in statements that read it (see authorOf). */
  author?: string | null
}

/** A revision as a statement returns it. */
export interface RawRevision {
  id: string
  collection: string
  doc_id: string
  variant: string
  action: string
  data: unknown
  author: string | null
  autosave: unknown
  created_at: string
}

/** A head as SQLite returns it: its columns and its content in one value (packedRow). */
export interface PackedRow {
  row: string
  author?: string | null
}

/** Any of the forms a statement returns a head in. */
export type StoredHead = RawHead | PackedRow

/** A head out of any row form; `collection` is the collection the read was made in. */
export function toHead(r: StoredHead, d: SqlDialect, collection?: string): HeadRow {
  if ('row' in r) return unpackRow(r, d, collection)
  return {
    collection: r.collection,
    id: r.id,
    variant: r.variant as Variant,
    rev: r.rev,
    status: r.status as HeadRow['status'],
    inDrafts: r.in_drafts === true || r.in_drafts === 1,
    data: documentContent(contentOf(d, r.rev, r.data), r.collection),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    author: r.author,
  }
}

/**
 * Cuts a packedRow apart: seven columns, then the content. indexOf and slice, not split:
 * split goes through the runtime and makes an array, three times the cost per row.
 */
function unpackRow(r: PackedRow, d: SqlDialect, collection: string | undefined): HeadRow {
  const s = r.row
  const a = s.indexOf(HEAD_SEPARATOR)
  const b = s.indexOf(HEAD_SEPARATOR, a + 1)
  const c = s.indexOf(HEAD_SEPARATOR, b + 1)
  const e = s.indexOf(HEAD_SEPARATOR, c + 1)
  const f = s.indexOf(HEAD_SEPARATOR, e + 1)
  const g = s.indexOf(HEAD_SEPARATOR, f + 1)
  const h = s.indexOf(HEAD_SEPARATOR, g + 1)
  // Seven separators (a missing one is -1, and the search after it starts over: all are
  // checked), and in_drafts is one digit: a column before it that held a separator shifts
  // something longer into its place. (One in a time would leave text before the content,
  // which JSON refuses.) The content itself is JSON.parse's to judge.
  if ((a | b | c | e | f | g | h) < 0 || f !== e + 2 || collection === undefined)
    throw unreadable(collection)
  const rev = s.slice(b + 1, c)
  return {
    collection,
    id: s.slice(0, a),
    variant: s.slice(a + 1, b) as Variant,
    rev,
    status: s.slice(c + 1, e) as HeadRow['status'],
    inDrafts: s.charCodeAt(e + 1) === 49, // '1'
    data: documentContent(h + 1 < s.length ? contentOf(d, rev, s.slice(h + 1)) : null, collection),
    createdAt: s.slice(f + 1, g),
    updatedAt: s.slice(g + 1, h),
    author: r.author,
  }
}

/** A head's content, through the store's memo of parsed content where it keeps one. */
function contentOf(d: SqlDialect, rev: string, value: unknown): unknown {
  return d.parseContent !== undefined && typeof value === 'string'
    ? d.parseContent(rev, value)
    : d.parseJson(value)
}

/**
 * A document's content is a JSON object (no content: an empty one). Anything else, written
 * by another tool, is refused here with the collection's name, rather than failing later as
 * a TypeError or coming back as an array without its id.
 */
function documentContent(v: unknown, collection: string | undefined): Record<string, unknown> {
  if (v === null || v === undefined) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new Error(
      `A stored document of '${collection}' could not be read: its content is not a JSON object.`,
    )
  return v as Record<string, unknown>
}

const unreadable = (collection: string | undefined) =>
  new Error(
    `A stored head of '${collection}' could not be read: its columns hold a control character.`,
  )

export function toRevision(r: RawRevision, d: SqlDialect): RevisionRow {
  return {
    id: r.id,
    collection: r.collection,
    docId: r.doc_id,
    variant: r.variant as Variant,
    action: r.action as RevisionRow['action'],
    data: r.data === null ? null : (contentOf(d, r.id, r.data) as Record<string, unknown> | null),
    author: r.author,
    autosave: r.autosave === true || r.autosave === 1,
    createdAt: r.created_at,
  }
}
