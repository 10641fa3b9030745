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

/** A head as a SQLite read returns it: its own columns packed (see packedHead), then content. */
export interface PackedHead {
  head: string
  data: unknown
  author?: string | null
}

/** A head out of either row form; `collection` is the collection the read was made in. */
export function toHead(r: RawHead | PackedHead, d: SqlDialect, collection?: string): HeadRow {
  if ('head' in r) return unpackHead(r, d, collection)
  return {
    collection: r.collection,
    id: r.id,
    variant: r.variant as Variant,
    rev: r.rev,
    status: r.status as HeadRow['status'],
    inDrafts: r.in_drafts === true || r.in_drafts === 1,
    data: d.parseJson(r.data) ?? {},
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    author: r.author,
  }
}

function unpackHead(r: PackedHead, d: SqlDialect, collection: string | undefined): HeadRow {
  const p = r.head.split(HEAD_SEPARATOR)
  if (p.length !== 7 || collection === undefined)
    throw new Error(
      `A stored head of '${collection}' could not be read: its columns hold a control character.`,
    )
  return {
    collection,
    id: p[0]!,
    variant: p[1] as Variant,
    rev: p[2]!,
    status: p[3] as HeadRow['status'],
    inDrafts: p[4] === '1',
    data: d.parseJson(r.data) ?? {},
    createdAt: p[5]!,
    updatedAt: p[6]!,
    author: r.author,
  }
}

export function toRevision(r: RawRevision, d: SqlDialect): RevisionRow {
  return {
    id: r.id,
    collection: r.collection,
    docId: r.doc_id,
    variant: r.variant as Variant,
    action: r.action as RevisionRow['action'],
    data: r.data === null ? null : d.parseJson(r.data),
    author: r.author,
    autosave: r.autosave === true || r.autosave === 1,
    createdAt: r.created_at,
  }
}
