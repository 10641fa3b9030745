import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Kysely, SqliteDialect } from 'kysely'
import { ConfigError } from '@galley/core'
import {
  type AsideStatement,
  ContentMemo,
  type ContentMemoOptions,
  type Query,
  type SqlDialect,
  type SqlStore,
  contentMemoBytes,
  createSqlStore,
  queryTimeoutOf,
} from '@galley/sql'
import { startCheckpointWorker } from './checkpoint-worker'
import { PlannerStatistics } from './planner-statistics'
import {
  ReadCache,
  type ReadCacheOptions,
  readCacheBytes,
  releaseHeldSnapshots,
} from './read-cache'
import { allRows, forgetRowShapes } from './rows'
import { SlowReads } from './slow-reads'
import { totalUnknown } from './total-unknown'
import { requireSqliteVersion } from './sqlite-version'
import { StatementDeadline } from './statement-deadline'
import { foldCase, sqliteDialect } from './sqlite-dialect'

export interface SqliteOptions {
  /** Database file, or `':memory:'` for tests. Parent folders are created. */
  file: string
  /** Checkpoint the WAL from a worker thread (file databases). Default true. */
  checkpointWorker?: boolean
  /** Prepared statements kept for reuse. Default 500. */
  statementCache?: number
  /**
   * Results of reads outside transactions, kept until anything is committed (by this or any
   * other connection). `false` turns it off. Default `{ maxBytes: 64 MiB }`.
   */
  readCache?: ReadCacheOptions | false
  /**
   * Parsed content kept per revision, so that reading content parsed before copies it
   * instead of parsing its text again (see content-memo.ts in @galley/sql). It holds no
   * results: every read still runs its statements, and a kept value is used only for a row
   * whose text is the same, so commits do not end it. `false` parses every row. Default
   * `{ maxBytes: 16 MiB }`: content text and an estimate of its parsed values' memory.
   */
  contentMemo?: ContentMemoOptions | false
  /**
   * How long one statement whose time grows with the collection (a filter or sort that
   * reads a field that is not indexed, text patterns, more than four conditions) may run
   * before it stops with `QueryTimeoutError` (503 `QUERY_TIMEOUT`): SQLite runs on the
   * server's thread, so such a read over a large collection would hold every other request.
   * In a server such statements of one turn of the event loop share it (see
   * statement-deadline.ts). Default 5,000 ms; `false` for no limit.
   */
  queryTimeoutMs?: number | false
  /**
   * Run finds whose time grows with the collection (the ones `queryTimeoutMs` bounds) in a
   * worker thread with its own connection, so that they hold no other request while they
   * run (file databases, outside transactions; see slow-reads.ts). Default true.
   */
  slowReadWorker?: boolean
}

/**
 * The checkpoint worker restarts the log once it is this long and fully copied: every
 * restart makes writers wait a moment, so not too often under a steady write load.
 */
const RESTART_FRAMES = 16_000
/** How long a statement waits for a lock another connection holds before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

/**
 * The embedded store: better-sqlite3 in WAL mode.
 * @example sqlite({ file: '.galley/data.db' })
 */
export function sqlite(options: SqliteOptions): SqlStore {
  if (!options || typeof options.file !== 'string' || options.file === '') {
    throw new ConfigError(
      `sqlite({ file }) needs a file path, or ':memory:' for an in-memory database.`,
    )
  }
  // Checked before anything is opened, so a bad option leaves no connection or worker behind.
  const cacheBytes = readCacheBytes(options.readCache)
  const memoBytes = contentMemoBytes(options.contentMemo, 'sqlite({ contentMemo })')
  const timeoutMs = queryTimeoutOf(options.queryTimeoutMs, 'sqlite')
  const memory = options.file === ':memory:'
  if (!memory) mkdirSync(dirname(options.file), { recursive: true })
  // Waits up to BUSY_TIMEOUT_MS for another writer or the checkpoint worker (SQLite's own busy handler).
  const raw = new Database(options.file, { timeout: BUSY_TIMEOUT_MS })
  try {
    requireSqliteVersion(raw)
  } catch (err) {
    raw.close()
    throw err
  }
  if (!memory) useWal(raw)
  raw.pragma('synchronous = NORMAL')
  raw.function('galley_fold', { deterministic: true }, foldCase)
  const deadline = new StatementDeadline(raw, timeoutMs)
  // Reads come memory-mapped from the database file; the page cache holds written pages and
  // pages still in the WAL. Kept small: a commit whose B-tree balance renumbered pages scans
  // the whole page cache when it ends, so a large cache makes every such commit slower.
  raw.pragma('cache_size = -8000')
  raw.pragma('mmap_size = 268435456')
  raw.pragma('temp_store = memory')
  // Checkpoints and restarts of the log run in a worker (see checkpoint-worker.ts); the
  // main connection checkpoints only as a backstop if the log grows very large. The log
  // file is not cut back after a restart (the next writer would wait for that truncate);
  // the worker empties it once the database is idle.
  // The slow-read thread holds off new snapshots while the checkpoint thread waits to
  // restart a long log (see `pauseReaders` in checkpointer.ts).
  const pauseReaders = memory ? undefined : new Int32Array(new SharedArrayBuffer(4))
  const checkpointer =
    memory || options.checkpointWorker === false
      ? undefined
      : startCheckpointWorker(options.file, {
          pauseReaders,
          intervalMs: 250,
          restartFrames: RESTART_FRAMES,
          onError(err) {
            // Without the worker the connection checkpoints its log itself, as SQLite does by default.
            if (raw.open) raw.pragma('wal_autocheckpoint = 1000')
            console.warn(`[galley] SQLite checkpoint worker stopped: ${err.message}`)
          },
        })
  if (checkpointer) raw.pragma('wal_autocheckpoint = 100000')
  raw.pragma('journal_size_limit = -1')
  // Reads keep a snapshot between them (see ReadCache): everything else that uses the
  // connection lets it go first, and every snapshot of this process with it (a write may
  // wait for the checkpoint worker, which may wait for any of them).
  const stats = new PlannerStatistics(raw, BUSY_TIMEOUT_MS, releaseHeldSnapshots)
  const statements = cachingDatabase(raw, options.statementCache ?? 500, () => stats.close())
  // Every statement is prepared (from the cache) right before it runs: its time starts there.
  const prepare = (sqlText: string) => {
    deadline.start()
    return statements.prepare(sqlText)
  }
  const kyselyDatabase = {
    close: statements.close,
    prepare(sqlText: string) {
      releaseHeldSnapshots()
      return prepare(sqlText)
    },
  }
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: kyselyDatabase }) })
  const schema = schemaWatch(raw)
  const reads = new ReadCache(raw, options.file, prepare, cacheBytes, schema)
  // A timeout of Infinity survives the copy to the thread (structured clone keeps it).
  const slowReads =
    memory || options.slowReadWorker === false
      ? undefined
      : new SlowReads({
          file: options.file,
          timeoutMs,
          busyTimeoutMs: BUSY_TIMEOUT_MS,
          pauseReaders,
        })
  return createSqlStore({
    name: 'sqlite',
    db,
    dialect: memoBytes > 0 ? withContentMemo(new ContentMemo(memoBytes)) : sqliteDialect,
    readDirect: (text, params) => reads.read(text, params),
    readTogether: (fn) => reads.together(fn),
    readAside:
      slowReads &&
      ((page, count, paging) => slowReadThroughCache(reads, slowReads, page, count, paging)),
    onWrite: () => reads.invalidate(),
    // `optimize` ran at open, before the migrations: those that rebuild a table (versions 4
    // and 8) drop its statistics, and a site that mostly reads would plan without them until
    // the hourly check. New field indexes are measured here too.
    afterMigrations: () => stats.optimize(),
    dataVersion: () => reads.version(),
    runTransaction: transactions(db, raw, prepare, schema, stats),
    beforeClose: () => slowReads?.close() ?? Promise.resolve(),
    onClose: async () => {
      reads.close()
      await checkpointer?.stop()
    },
  })
}

/** The dialect of a store that keeps parsed content in `memo` (see SqliteOptions.contentMemo). */
function withContentMemo(memo: ContentMemo): SqlDialect {
  return { ...sqliteDialect, parseContent: (rev, text) => memo.parse(rev, text as string) }
}

/**
 * A slow read answered from the read cache where it holds the page (and the count when the
 * page leaves the total unknown), else in the slow-read thread, whose rows the cache then
 * keeps unless something was committed meanwhile.
 */
function slowReadThroughCache(
  reads: ReadCache,
  slowReads: SlowReads,
  page: AsideStatement,
  count: AsideStatement | undefined,
  paging: { limit: number; offset: number },
): Promise<{ rows: unknown[]; total: number | undefined }> {
  const version = reads.version()
  const rows = reads.kept(page.text, page.params)
  if (rows) {
    if (!count || !totalUnknown(rows.length, paging))
      return Promise.resolve({ rows, total: undefined })
    const counted = reads.kept(count.text, count.params) as Array<{ n: number }> | undefined
    if (counted) return Promise.resolve({ rows, total: Number(counted[0]!.n) })
  }
  return slowReads.run(page, count, paging).then((answer) => {
    if (version !== undefined) {
      reads.keep(page.text, page.params, answer.rows, version)
      if (count && answer.total !== undefined)
        reads.keep(count.text, count.params, [{ n: answer.total }], version)
    }
    return answer
  })
}

/**
 * Switch the file to WAL. On a new file that other processes open at the same moment, the
 * switch (it needs the file to itself for a moment) can fail with SQLITE_BUSY without
 * waiting for the busy timeout, or leave the mode as it was: try again, for up to the busy
 * timeout on SQLITE_BUSY, and briefly when another mode is answered (a file system without
 * WAL support answers so every time, and the store then goes on in that mode, as before).
 */
function useWal(raw: Database.Database): void {
  const start = Date.now()
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let attempt = 0; ; attempt++) {
    try {
      if (raw.pragma('journal_mode = WAL', { simple: true }) === 'wal') return
      if (Date.now() - start >= 250) return
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      if (!code.startsWith('SQLITE_BUSY') || Date.now() - start >= BUSY_TIMEOUT_MS) throw err
    }
    Atomics.wait(pause, 0, 0, Math.min(50, 1 + attempt * 5)) // a synchronous sleep
  }
}

/**
 * A write transaction run straight on the connection. Kysely's connection lock is held
 * throughout, so its other users (and reads that found the connection busy) queue behind
 * it exactly as behind a Kysely transaction. IMMEDIATE takes SQLite's write lock up front:
 * a read-then-write transaction can then never fail to upgrade when another process
 * committed in between.
 */
function transactions(
  db: Kysely<any>,
  raw: Database.Database,
  prepare: (text: string) => Database.Statement,
  checkSchema: () => void,
  stats: PlannerStatistics,
) {
  // Rows changed by the running transaction (one at a time: Kysely's connection lock).
  let changes = 0
  // Made once per store: under tsx (esbuild keepNames) every function made per call costs a defineProperty.
  const query: Query = async <R>(text: string, params: unknown[]) => {
    const stmt = prepare(text)
    if (stmt.reader) return allRows(stmt, params) as R[]
    changes += stmt.run(params).changes
    return []
  }
  // The executor's own connection lock, without the Kysely instance `db.connection()`
  // builds around the connection on every call (a frozen copy of its props, a provider).
  const executor = db.getExecutor()
  const begin = prepare('BEGIN IMMEDIATE')
  const commit = prepare('COMMIT')
  return <T>(fn: (query: Query) => Promise<T>): Promise<T> =>
    executor.provideConnection(async () => {
      releaseHeldSnapshots() // no transaction begins inside a snapshot reads hold (see sqlite())
      begin.run()
      changes = 0
      try {
        checkSchema() // no schema change can land while this transaction holds the write lock
        const result = await fn(query)
        commit.run()
        stats.changed(changes)
        return result
      } catch (err) {
        if (raw.inTransaction) prepare('ROLLBACK').run()
        throw err
      }
    })
}

/**
 * Tells rows.ts to read column lists again when the schema version moved (a migration here or
 * in another process). Asked at the start of every write transaction and after commits were
 * seen by the read cache; one `PRAGMA schema_version`, a read of the cached header page.
 */
function schemaWatch(raw: Database.Database): () => void {
  const version = raw.prepare('PRAGMA schema_version').pluck()
  let seen = version.get()
  return () => {
    const now = version.get()
    if (now !== seen) {
      seen = now
      forgetRowShapes()
    }
  }
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, so keep
 * recent ones by SQL text. Queries differ only in parameters, so the hit rate is high.
 * A hit only marks its statement (every write runs several statements, and moving each to
 * the back cost two more lookups of its text); when full, the oldest statement not used
 * since it was kept or last passed over goes (the "second chance" approximation of LRU).
 */
function cachingDatabase(raw: Database.Database, size: number, beforeClose: () => void) {
  const cache = new Map<string, { stmt: Database.Statement; used: boolean }>()
  const evictOne = () => {
    for (const [text, entry] of cache) {
      cache.delete(text)
      if (!entry.used) return
      entry.used = false
      cache.set(text, entry)
    }
  }
  return {
    close: () => {
      beforeClose()
      raw.close()
    },
    prepare(sqlText: string) {
      // Kysely begins its transactions DEFERRED: one that reads and then writes fails at once
      // (SQLITE_BUSY, no busy wait) if another connection committed in between. Taking the
      // write lock up front makes it wait instead (start-up's migrations and field indexes).
      if (sqlText === 'begin') sqlText = 'BEGIN IMMEDIATE'
      const hit = cache.get(sqlText)
      if (hit) {
        hit.used = true
        return hit.stmt
      }
      const stmt = raw.prepare(sqlText)
      if (cache.size >= size) evictOne()
      cache.set(sqlText, { stmt, used: false })
      return stmt
    },
  }
}
