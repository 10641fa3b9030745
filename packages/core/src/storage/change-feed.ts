/**
 * The change feed a store may keep: every committed change, in commit order, numbered by a
 * sequence that only grows, so that readers in any process (live event streams) can ask
 * what happened after the last change they saw. Ids and status only, never content.
 */

/** A change as the engine announces it, written to the feed inside the transaction that made it. */
export interface ChangeRecord {
  kind: 'collection' | 'global'
  /** The collection's or global's slug. */
  collection: string
  id: string
  operation: 'create' | 'update' | 'publish' | 'unpublish' | 'discardDraft' | 'restore' | 'delete'
  /** Whether what the public sees changed. */
  published: boolean
  status: 'draft' | 'published' | 'changed' | null
  /** The revision written; none for a delete. */
  rev?: string
}

/** A change as read back from the feed: its sequence number and commit time added. */
export interface FeedEntry extends ChangeRecord {
  seq: number
  /** ISO time of the commit. */
  at: string
}

/** Reading the feed, from any process on the same database. */
export interface ChangeFeed {
  /** The newest sequence number (0 when the feed is empty). */
  latest(): Promise<number>
  /** The oldest sequence number still kept (older entries were trimmed); 0 when empty. */
  oldest(): Promise<number>
  /** Entries with `seq > after`, oldest first, at most `limit`. */
  read(after: number, limit: number): Promise<FeedEntry[]>
  /**
   * Be woken when another process may have appended (PostgreSQL: `LISTEN`); stores whose
   * `dataVersion` changes with every commit need none. Returns a function that stops it.
   */
  watch?(onAppend: () => void): () => void
}
