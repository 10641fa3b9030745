import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Kysely, SqliteDialect } from 'kysely'
import { ConfigError } from '@galley/core'
import { type Query, type SqlStore, createSqlStore } from '@galley/sql'
import { startCheckpointWorker } from './checkpoint-worker'
import { DirectReads, type ReadCacheOptions, readCacheBytes } from './direct-reads'
import { allRows, forgetRowShapes } from './rows'
import { sqliteDialect } from './sqlite-dialect'
import { fineBusyTimeout, useWalBatching } from './wal-batch'

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
}

/** The checkpoint worker restarts the log once it is this long and fully copied (see sqlite()). */
const RESTART_FRAMES = 16_000

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
  const memory = options.file === ':memory:'
  if (!memory) {
    mkdirSync(dirname(options.file), { recursive: true })
    // Before the connection opens: the batching VFS serves connections opened after it loads.
    useWalBatching()
  }
  const raw = new Database(options.file)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  // Waits up to 5 s for another writer (or the checkpoint worker), noticing the release
  // within ~50 µs where the extension is loaded; SQLite's own handler sleeps 1, 2, 5, 10 ms…
  fineBusyTimeout(raw, 5000)
  // Reads come memory-mapped from the database file; the page cache holds written pages and
  // pages still in the WAL. Kept at 8 MiB: a commit whose B-tree balance swapped page numbers
  // (most splits do, through the lock-byte page as a temporary) scans the cache's whole hash
  // table when it ends (pcache1TruncateUnsafe), so a 64 MiB cache cost draft saves ~15-20 µs
  // per commit (COMMIT 55-58 µs vs 36-42 µs at 8 MiB, paired runs).
  raw.pragma('cache_size = -8000')
  raw.pragma('mmap_size = 268435456')
  raw.pragma('temp_store = memory')
  // Checkpoints (and restarts of the log) run in a worker; the main connection only
  // checkpoints as a backstop if the WAL grows very large.
  //
  // Every restart of the log stalls writers for a moment: they wait for the worker's
  // RESTART (its final copy and the database fsync), and the first writer after it syncs
  // the new log header. Restarting at 4,000 frames under a steady write load meant up to
  // four restarts a second; at 16,000 frames (~64 MiB), one or two. The log file is not cut
  // back after a restart (that ftruncate made the next writer wait 4-14 ms); the worker
  // empties it once the database is idle (see checkpoint-worker.ts).
  const checkpointer =
    memory || options.checkpointWorker === false
      ? undefined
      : startCheckpointWorker(options.file, 250, RESTART_FRAMES)
  if (checkpointer) raw.pragma('wal_autocheckpoint = 100000')
  raw.pragma('journal_size_limit = -1')
  // Keep planner statistics fresh, as SQLite recommends for long-lived connections.
  raw.pragma('optimize = 0x10002')
  const optimizer = setInterval(() => raw.open && raw.pragma('optimize'), 60 * 60_000)
  optimizer.unref()
  const statements = cachingDatabase(raw, options.statementCache ?? 500)
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: statements }) })
  const schema = schemaWatch(raw)
  const reads = new DirectReads(raw, options.file, statements.prepare, cacheBytes, schema)
  return createSqlStore({
    name: 'sqlite',
    db,
    dialect: sqliteDialect,
    readDirect: (text, params) => reads.read(text, params),
    onWrite: () => reads.invalidate(),
    dataVersion: () => reads.version(),
    runTransaction: transactions(db, raw, statements.prepare, schema),
    onClose: async () => {
      clearInterval(optimizer)
      reads.close()
      if (checkpointer) {
        const exited = new Promise((resolve) => checkpointer.once('exit', resolve))
        // Keep the process alive until the worker has checkpointed and closed.
        checkpointer.ref()
        checkpointer.postMessage('stop')
        await exited
      }
    },
  })
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
) {
  // Made once per store: under tsx (esbuild keepNames) every function made per call costs a defineProperty.
  const query: Query = async <R>(text: string, params: unknown[]) => {
    const stmt = prepare(text)
    if (stmt.reader) return allRows(stmt, params) as R[]
    stmt.run(params)
    return []
  }
  return <T>(fn: (query: Query) => Promise<T>): Promise<T> =>
    db.connection().execute(async () => {
      prepare('BEGIN IMMEDIATE').run()
      try {
        checkSchema() // no schema change can land while this transaction holds the write lock
        const result = await fn(query)
        prepare('COMMIT').run()
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
 */
function cachingDatabase(raw: Database.Database, size: number) {
  const cache = new Map<string, Database.Statement>()
  return {
    close: () => {
      if (raw.open) raw.pragma('optimize')
      raw.close()
    },
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText)
      if (stmt) {
        cache.delete(sqlText)
      } else {
        stmt = raw.prepare(sqlText)
        if (cache.size >= size) cache.delete(cache.keys().next().value!)
      }
      cache.set(sqlText, stmt)
      return stmt
    },
  }
}
