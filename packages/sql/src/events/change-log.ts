import { type Kysely, sql } from 'kysely'
import type { ChangeFeed, ChangeRecord, FeedEntry } from '@galley/core/storage'
import type { Query } from '../query'
import type { SqlDialect } from '../sql-dialect'

/** How many of the newest changes the feed keeps; older ones are trimmed as new ones arrive. */
export const CHANGE_FEED_RETAIN = 10_000

/** The PostgreSQL channel that tells listeners a change was committed (payload: `<schema> <seq>`). */
export const CHANGE_CHANNEL = 'galley_changes'

/**
 * Migration 6: the change feed. One row per committed change, numbered by a sequence that
 * never reuses a number (SQLite `AUTOINCREMENT`, PostgreSQL `bigserial`), so that a reader's
 * last seen number stays meaningful across trims, restarts and processes.
 */
export const CHANGE_FEED_MIGRATION = {
  version: 6,
  name: 'change feed',
  async up(db: Kysely<any>, d: SqlDialect): Promise<void> {
    const seq =
      d.name === 'postgres' ? 'seq bigserial PRIMARY KEY' : 'seq INTEGER PRIMARY KEY AUTOINCREMENT'
    await sql`CREATE TABLE galley_changes (
      ${sql.raw(seq)},
      kind text NOT NULL,
      collection text NOT NULL,
      doc_id text NOT NULL,
      operation text NOT NULL,
      status text,
      published ${sql.raw(d.types.bool)} NOT NULL,
      rev text,
      at text NOT NULL
    )`.execute(db)
  },
}

/**
 * Migration 7 (SQLite only): the feed's numbers without `AUTOINCREMENT`, which rewrote the
 * `sqlite_sequence` page on every commit. A plain `INTEGER PRIMARY KEY` takes the largest
 * number plus one, and the trim always keeps the newest rows, so no number comes back.
 */
export const CHANGE_FEED_ROWID_MIGRATION = {
  version: 7,
  name: 'change feed without autoincrement',
  async up(db: Kysely<any>, d: SqlDialect): Promise<void> {
    if (d.name !== 'sqlite') return
    await sql`CREATE TABLE galley_changes_next (
      seq INTEGER PRIMARY KEY,
      kind text NOT NULL,
      collection text NOT NULL,
      doc_id text NOT NULL,
      operation text NOT NULL,
      status text,
      published ${sql.raw(d.types.bool)} NOT NULL,
      rev text,
      at text NOT NULL
    )`.execute(db)
    await sql`INSERT INTO galley_changes_next SELECT seq, kind, collection, doc_id, operation, status, published, rev, at FROM galley_changes`.execute(
      db,
    )
    await sql`DROP TABLE galley_changes`.execute(db)
    await sql`ALTER TABLE galley_changes_next RENAME TO galley_changes`.execute(db)
  },
}

/** Rows appended by this process since it last trimmed the feed. */
let sinceTrim = 0

/** Rows per INSERT: 8 parameters each stays far below either store's parameter limit. */
const CHUNK = 500

/**
 * Append a transaction's changes to the feed, inside that transaction. PostgreSQL numbers
 * rows when they are inserted, not when they commit, so appends are serialised with a
 * transaction-scoped lock (held from here to the commit, the transaction's last moments):
 * numbers then commit in order and a reader never skips one that commits late. `NOTIFY`
 * is transactional too: listeners hear of the change once it committed, never before.
 * SQLite serialises writers already and notifies nobody (readers watch the data version).
 */
export async function appendChanges(
  all: Query,
  d: SqlDialect,
  changes: readonly ChangeRecord[],
): Promise<void> {
  if (d.name === 'postgres')
    await all(`SELECT pg_advisory_xact_lock(hashtext('galley:changes'))`, [])
  const at = new Date().toISOString()
  let last = 0
  for (let from = 0; from < changes.length; from += CHUNK) {
    const chunk =
      from === 0 && changes.length <= CHUNK ? changes : changes.slice(from, from + CHUNK)
    const params: unknown[] = []
    for (const c of chunk)
      params.push(
        c.kind,
        c.collection,
        c.id,
        c.operation,
        c.status,
        d.bool(c.published),
        c.rev ?? null,
        at,
      )
    const insert = insertText(chunk.length)
    if (d.name !== 'postgres') {
      // SQLite needs no number back (nobody is notified): a plain insert is the cheapest.
      await all(insert, params)
      continue
    }
    for (const r of await all<{ seq: number | string }>(`${insert} RETURNING seq`, params))
      last = Math.max(last, Number(r.seq))
  }
  // Every 64 rows or so, keep only the newest CHANGE_FEED_RETAIN (never the newest row).
  sinceTrim += changes.length
  if (sinceTrim >= 64) {
    sinceTrim = 0
    await all(
      `DELETE FROM galley_changes WHERE seq <= (SELECT MAX(seq) FROM galley_changes) - ${CHANGE_FEED_RETAIN}`,
      [],
    )
  }
  if (d.name === 'postgres')
    await all(`SELECT pg_notify('${CHANGE_CHANNEL}', current_schema() || ' ' || ?)`, [String(last)])
}

/** The INSERT of `rows` feed rows; the one-row text (nearly every commit's) is made once. */
const ONE_ROW = insertOf(1)
function insertText(rows: number): string {
  return rows === 1 ? ONE_ROW : insertOf(rows)
}
function insertOf(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')
  return `INSERT INTO galley_changes (kind, collection, doc_id, operation, status, published, rev, at) VALUES ${values}`
}

interface RawEntry {
  seq: number | string
  kind: string
  collection: string
  doc_id: string
  operation: string
  status: string | null
  published: unknown
  rev: string | null
  at: string
}

/** Read the feed through `query` (outside transactions). */
export function changeFeedReader(
  query: Query,
  watch?: (onAppend: () => void) => () => void,
): ChangeFeed {
  return {
    async latest() {
      const rows = await query<{ s: number | string | null }>(
        'SELECT MAX(seq) AS s FROM galley_changes',
        [],
      )
      return Number(rows[0]?.s ?? 0)
    },
    async oldest() {
      const rows = await query<{ s: number | string | null }>(
        'SELECT MIN(seq) AS s FROM galley_changes',
        [],
      )
      return Number(rows[0]?.s ?? 0)
    },
    async read(after, limit) {
      const rows = await query<RawEntry>(
        `SELECT seq, kind, collection, doc_id, operation, status, published, rev, at FROM galley_changes WHERE seq > ? ORDER BY seq LIMIT ${Math.max(1, Math.min(10_000, Math.floor(limit)))}`,
        [after],
      )
      return rows.map((r): FeedEntry => ({
        seq: Number(r.seq),
        kind: r.kind === 'global' ? 'global' : 'collection',
        collection: r.collection,
        id: r.doc_id,
        operation: r.operation as FeedEntry['operation'],
        status: r.status as FeedEntry['status'],
        published: r.published === true || r.published === 1 || r.published === '1',
        ...(r.rev ? { rev: r.rev } : {}),
        at: r.at,
      }))
    },
    ...(watch ? { watch } : {}),
  }
}
