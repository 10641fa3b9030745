import type { ResolvedPerspective, Variant } from '../perspectives/perspective'
import type { ChangeFeed, ChangeRecord } from './change-feed'
import type { ReleaseReads, ReleaseWrites } from '../releases/release-storage'
import type { FieldPathInfo } from '../where/field-paths'
import type { WhereNode } from '../where/where-types'

/** The document status shown everywhere. */
export type DocStatus = 'draft' | 'published' | 'changed'

/** What a write needs to know of a document's history, read under its write lock. */
export interface DocumentState {
  /** The newest revision (any variant, any action): what `ifRevision` is compared with. */
  latestRev: string
  revCount: number
}

/** The current content of one variant of a document. Heads live apart from history. */
export interface HeadRow {
  collection: string
  id: string
  variant: Variant
  rev: string
  status: DocStatus
  /** True for the row the `drafts` perspective resolves to (the draft, else the published). */
  inDrafts: boolean
  data: Record<string, unknown>
  createdAt: string
  updatedAt: string
  /**
   * Who wrote the head's revision (a user id, or null for server code and anonymous
   * callers). Read only when asked: by `getHeads` with `author`, and by `findResolved`
   * for every perspective but `published`.
   */
  author?: string | null
}

export type RevisionAction =
  'create' | 'update' | 'autosave' | 'publish' | 'unpublish' | 'discardDraft' | 'restore'

/** One immutable entry of a document's history. */
export interface RevisionRow {
  id: string
  collection: string
  docId: string
  variant: Variant
  action: RevisionAction
  /** The variant's content after this revision; null for actions that drop a variant. */
  data: Record<string, unknown> | null
  author: string | null
  autosave: boolean
  createdAt: string
}

export interface SortSpec {
  info: FieldPathInfo
  direction: 'asc' | 'desc'
}

/** A read of resolved content: filter, sort and page apply after resolution. */
export interface ResolvedQuery {
  collection: string
  perspective: ResolvedPerspective
  where?: WhereNode
  sort: SortSpec[]
  limit: number
  offset: number
  /** At most one row can match (equality on a unique field or the id): no sort needed. */
  single?: boolean
  /** Skip the total count (the caller only needs rows). */
  skipCount?: boolean
}

/** What a collection asks of storage at start-up: indexes on its fields. */
export interface CollectionStorageSpec {
  storageKey: string
  indexes: Array<{ info: FieldPathInfo; unique: boolean }>
  drafts: boolean
}

/**
 * Reads, available both inside and outside a transaction. Every row a read returns is the
 * caller's, down to its `data`: a store builds new objects for each call (never hands out
 * objects it keeps, or the same object twice), and the engine turns them into documents
 * in place.
 */
export interface StorageReader {
  /** A document's heads; `author` also reads each head's `author`. */
  getHeads(collection: string, id: string, opts?: { author?: boolean }): Promise<HeadRow[]>
  findResolved(query: ResolvedQuery): Promise<{ rows: HeadRow[]; total: number }>
  countResolved(query: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>): Promise<number>
  listRevisions(
    collection: string,
    id: string,
    opts: { limit: number; offset: number },
  ): Promise<{ rows: RevisionRow[]; total: number }>
  getRevision(collection: string, id: string, revisionId: string): Promise<RevisionRow | undefined>
  /** Release and schedule rows (optional: a store without them has no releases API). */
  readonly releases?: ReleaseReads
}

/** Writes; every method runs inside the operation's transaction. */
export interface StorageTransaction extends StorageReader {
  /**
   * Take the document's write lock until the transaction ends (also for an id not yet
   * used), then read its history state and its heads, in one statement where the store
   * can: `doc` is undefined (and `heads` empty) when the document does not exist.
   */
  openDocument(
    collection: string,
    id: string,
  ): Promise<{ doc: DocumentState | undefined; heads: HeadRow[] }>
  /** Remove the document, its heads and its whole history. */
  deleteDocument(collection: string, id: string): Promise<void>
  /** Insert a head, or update `previous` writing only the columns that changed. */
  putHead(row: HeadRow, previous?: HeadRow): Promise<void>
  deleteHead(collection: string, id: string, variant: Variant): Promise<void>
  /** Called before the heads that point at the new revision are put. */
  insertRevision(row: RevisionRow): Promise<void>
  deleteRevision(collection: string, id: string, revisionId: string): Promise<void>
  /** Delete the `count` oldest revisions of a document, never one listed in `keep`. Returns how many went. */
  pruneRevisions(collection: string, id: string, count: number, keep: string[]): Promise<number>
  readonly releases?: ReleaseWrites
  /** Write the transaction's changes to the store's change feed (stores that keep one). */
  appendChanges?(changes: readonly ChangeRecord[]): Promise<void>
}

/**
 * The storage contract: what core needs from a database, described by the few methods it
 * calls so core never imports a driver. Implemented by `@galley/storage-sqlite` and
 * `@galley/storage-postgres` on shared Kysely code.
 */
export interface StorageAdapter extends StorageReader {
  readonly name: string
  /** Run migrations and create the field indexes the collections ask for. */
  init(collections: CollectionStorageSpec[]): Promise<void>
  transaction<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T>
  /**
   * A number that changes whenever anything is committed, by this store or any other
   * connection or process; undefined when the store cannot tell (then nothing may be
   * cached on top of it). Optional: SQLite has it, PostgreSQL does not.
   */
  dataVersion?(): number | undefined
  /** The feed of committed changes, for stores that keep one (both SQL stores do). */
  readonly changeFeed?: ChangeFeed
  close(): Promise<void>
}

/** A unique index refused a write; storage throws it so core can name the field. */
export class UniqueViolation extends Error {
  constructor(
    readonly collection: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`unique violation on ${collection}.${path}`, options)
    this.name = 'UniqueViolation'
  }
}
