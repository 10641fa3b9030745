import type { Variant } from '@galley/core'
import type { HeadRow, RevisionRow } from '@galley/core/storage'
import type { SqlDialect } from './sql-dialect'

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

export function toHead(r: RawHead, d: SqlDialect): HeadRow {
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
