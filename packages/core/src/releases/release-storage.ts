/**
 * What releases and schedules need from a store: rows of their own, read and written inside
 * the same transaction as the documents, so that publishing a release and recording it are
 * one commit. Implemented by `@galley/sql` for both stores (`StorageReader.releases`).
 */

/** A release id: `r` and a sortable unique id (`r01hx…`). Never a perspective name. */
export type ReleaseId = `r${string}`

/** `asap`: publish when someone says so; `scheduled`: at `publishAt`; `undecided`: not yet planned. */
export type ReleaseType = 'asap' | 'scheduled' | 'undecided'

/** `active` (open for changes), `scheduled` (a job will publish it), `published`, `archived`. */
export type ReleaseState = 'active' | 'scheduled' | 'published' | 'archived'

/** A release as stored. Times are ISO 8601 in UTC. */
export interface ReleaseRow {
  id: ReleaseId
  title: string
  description: string
  type: ReleaseType
  publishAt: string | null
  state: ReleaseState
  createdBy: string | null
  createdAt: string
  updatedAt: string
  publishedAt: string | null
  /** The release this one puts back (made by `revert`). */
  revertOf: ReleaseId | null
}

/**
 * A document's entry in a release beyond its `release:<id>` variant: an `unpublish`
 * request, and, once the release is published, what the document was before (for revert).
 */
export interface ReleaseItemRow {
  releaseId: ReleaseId
  collection: string
  docId: string
  action: 'publish' | 'unpublish'
  /** Set when the release was published: the published content before it (null: none). */
  before: Record<string, unknown> | null
  /** Whether the release has been published with this item in it. */
  done: boolean
}

/** What a scheduled job does. */
export type JobKind = 'release' | 'publish' | 'unpublish'

export type JobState = 'pending' | 'done' | 'failed' | 'cancelled'

/** A scheduled job: publish a release, or publish / unpublish one document, at `runAt`. */
export interface JobRow {
  id: string
  kind: JobKind
  releaseId: ReleaseId | null
  collection: string | null
  docId: string | null
  runAt: string
  state: JobState
  createdBy: string | null
  createdAt: string
  /** When a runner took it up (or it failed or was cancelled), and which runner. */
  ranAt: string | null
  ranBy: string | null
  error: string | null
}

export interface JobFilter {
  state?: JobState
  releaseId?: string
  collection?: string
  docId?: string
  limit?: number
}

/** A page of releases as a store reads it. */
export interface ReleaseQuery {
  /** Only releases in these states; every release when absent. */
  states?: readonly ReleaseState[]
  limit: number
  offset: number
}

/** Reads of releases and jobs, inside or outside a transaction. */
export interface ReleaseReads {
  getRelease(id: string): Promise<ReleaseRow | undefined>
  listReleases(): Promise<ReleaseRow[]>
  /**
   * One page of releases, newest first, only those in `states` when given, and how many
   * match. Optional for stores written before it: `Releases.find` then pages `listReleases`.
   */
  findReleases?(q: ReleaseQuery): Promise<{ rows: ReleaseRow[]; total: number }>
  listItems(releaseId: string): Promise<ReleaseItemRow[]>
  getJob(id: string): Promise<JobRow | undefined>
  listJobs(filter: JobFilter): Promise<JobRow[]>
  /** The earliest `runAt` of a pending job, or undefined when none is pending. */
  nextDueAt(): Promise<string | undefined>
}

/** Writes of releases and jobs; only inside a transaction. */
export interface ReleaseWrites extends ReleaseReads {
  insertRelease(row: ReleaseRow): Promise<void>
  updateRelease(row: ReleaseRow): Promise<void>
  /** Remove the release, its items and its jobs. */
  deleteRelease(id: string): Promise<void>
  /** Insert or replace items (by release, collection and document), many per statement. */
  putItems(rows: ReleaseItemRow[]): Promise<void>
  deleteItem(releaseId: string, collection: string, docId: string): Promise<void>
  insertJob(row: JobRow): Promise<void>
  updateJob(row: JobRow): Promise<void>
  /**
   * Lock and return one pending job due at `now`, skipping jobs another runner holds
   * (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the transaction holds the write lock and
   * takes the one lease row for `runner`). The caller runs it and marks it in the same
   * transaction, so a job fires once however many runners there are.
   */
  claimDueJob(now: string, runner: string): Promise<JobRow | undefined>
  /**
   * The release, locked for this transaction, without waiting: `'busy'` when another
   * transaction holds it (the job runner then lets its job wait for the next poll, rather
   * than lock job then release while others lock release then job), undefined when missing.
   */
  tryLockRelease(id: string): Promise<ReleaseRow | 'busy' | undefined>
  /** Mark a job failed with its reason, unless it is no longer pending. Returns whether it was. */
  failJob(id: string, at: string, runner: string, error: string): Promise<boolean>
}
