import { type Kysely, sql } from 'kysely'
import { type StorageAdapter } from '@galley/core'
import {
  type CollectionStorageSpec,
  type ResolvedQuery,
  UniqueViolation,
} from '@galley/core/storage'
import { changeFeedReader } from './events/change-log'
import { type FieldIndexState, syncFieldIndexes } from './field-indexes'
import { NO_KEYED_FIELDS } from './keyed-fields'
import { runMigrations } from './migrations'
import { type LimitSlowReads, type Query, type ReadAside, type Together, all } from './query'
import { resolvedCount, resolvedSelect } from './resolved-select'
import type { SqlDialect } from './sql-dialect'
import { sqlReader } from './sql-reader'
import { sqlTransaction } from './sql-transaction'

export type { Query } from './query'

export interface SqlStoreOptions {
  name: string
  db: Kysely<any>
  dialect: SqlDialect
  /** Runs `init` under a store-wide lock (PostgreSQL advisory lock) so instances do not race. */
  withInitLock?: <T>(fn: () => Promise<T>) => Promise<T>
  /**
   * Runs after the schema was brought up to date (`init`, `migrate`): a migration that
   * rebuilds a table drops its planner statistics with it (SQLite keeps no others).
   */
  afterMigrations?: () => void
  /** Runs before the connections close (work that still needs them). */
  beforeClose?: () => Promise<void>
  /** Runs after the connections closed. */
  onClose?: () => Promise<void>
  /**
   * A synchronous way to run a read outside any transaction (SQLite: the connection's own
   * statements behind a result cache). Returns undefined when it cannot answer now, and
   * the statement goes through Kysely as usual.
   */
  readDirect?: (text: string, params: readonly unknown[]) => unknown[] | undefined
  /** Statements that read one snapshot, run like `readDirect` (see `Together`). */
  readTogether?: Together
  /** Where finds whose time grows with the collection run outside transactions (see `ReadAside`). */
  readAside?: ReadAside
  /** How many such finds run at once outside transactions (see `LimitSlowReads`). */
  limitSlowReads?: LimitSlowReads
  /** Told after every transaction and schema change, so whatever `readDirect` keeps can go. */
  onWrite?: () => void
  /** See `StorageAdapter.dataVersion`. */
  dataVersion?: () => number | undefined
  /**
   * Run `fn` in one transaction whose statements go through `query` (default: a Kysely
   * transaction). SQLite runs them synchronously on its connection instead, which saves
   * Kysely's per-transaction and per-statement overhead on every write.
   */
  runTransaction?: <T>(fn: (query: Query) => Promise<T>) => Promise<T>
  /** Wakes change-feed readers when another process appended (PostgreSQL `LISTEN`); see `ChangeFeed.watch`. */
  watchChanges?: (onAppend: () => void) => () => void
}

/** The storage contract on Kysely, shared by the SQLite and PostgreSQL stores. */
export interface SqlStore extends StorageAdapter {
  /** Apply pending migrations (what `galley migrate` runs). */
  migrate(): Promise<Array<{ version: number; name: string }>>
  /** The database's plan for a resolved read (or its count), to check that an index is used. */
  explainResolved(query: ResolvedQuery, options?: ExplainOptions): Promise<string>
}

/** What `explainResolved` plans. */
export interface ExplainOptions {
  /**
   * `true` (default): plan as once statistics exist (ANALYZE first) and, on PostgreSQL, with
   * sequential scans off, to see whether an index is usable at all on a tiny test table.
   * `false`: plan with what the database knows now, as a user's query would run.
   */
  analyze?: boolean
  /** Plan the statement that counts the matches (`totalDocs`) instead of the page. */
  count?: boolean
}

/**
 * Kysely runs every statement (connections, transactions, drivers); the statements of the
 * hot paths are built as text, so one query shape is one cached prepared statement and no
 * query tree is built per call.
 */
export function createSqlStore(opts: SqlStoreOptions): SqlStore {
  const { db, dialect: d } = opts
  const state: FieldIndexState = { uniques: new Map(), keyed: new Map() }
  const keyedOf = (collection: string) => state.keyed.get(collection) ?? NO_KEYED_FIELDS
  const direct = opts.readDirect
  const query: Query = direct
    ? async (text, params) =>
        (direct(text, params) as never[] | undefined) ?? all(db, d, text, params)
    : (text, params) => all(db, d, text, params)
  const reader = sqlReader(
    query,
    d,
    keyedOf,
    opts.readTogether,
    opts.readAside,
    opts.limitSlowReads,
  )
  const written = opts.onWrite ?? (() => {})
  const runTransaction =
    opts.runTransaction ??
    (<T>(fn: (q: Query) => Promise<T>) =>
      db.transaction().execute((trx) => fn((text, params) => all(trx, d, text, params))))
  const unique = (err: unknown) => mapUnique(err, d, state.uniques)
  const lock = opts.withInitLock ?? (<T>(fn: () => Promise<T>) => fn())
  return {
    name: opts.name,
    ...reader,
    dataVersion: opts.dataVersion,
    changeFeed: changeFeedReader(query, opts.watchChanges),
    async migrate() {
      const ran = await lock(() => runMigrations(db, d)).finally(written)
      opts.afterMigrations?.()
      return ran
    },
    async init(specs: CollectionStorageSpec[]) {
      await lock(async () => {
        await runMigrations(db, d)
        Object.assign(state, await syncFieldIndexes(db, d, specs))
      }).finally(written)
      opts.afterMigrations?.()
    },
    async explainResolved(q, options = {}) {
      const keyed = keyedOf(q.collection)
      const { text, params } = options.count
        ? resolvedCount(q, d, keyed)
        : resolvedSelect(q, d, keyed)
      const explain = d.name === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'
      return db.transaction().execute(async (trx) => {
        if (options.analyze !== false) {
          await sql`ANALYZE galley_heads`.execute(trx)
          await sql`ANALYZE galley_revisions`.execute(trx)
          if (d.name === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx)
        }
        const rows = await all<Record<string, unknown>>(trx, d, `${explain} ${text}`, params)
        return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('\n')
      })
    },
    async transaction(fn) {
      try {
        return await runTransaction((q) => fn(sqlTransaction(q, d, keyedOf, unique)))
      } catch (err) {
        throw unique(err)
      } finally {
        written()
      }
    },
    async close() {
      await opts.beforeClose?.()
      await db.destroy()
      await opts.onClose?.()
    },
  }
}

function mapUnique(err: unknown, d: SqlDialect, uniques: FieldIndexState['uniques']): unknown {
  const index = d.uniqueIndexOf(err)
  const hit = index ? uniques.get(index) : undefined
  return hit ? new UniqueViolation(hit.collection, hit.path, { cause: err }) : err
}
