import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const LIBRARY = fileURLToPath(
  new URL(
    `../native/build/wal-batch.${process.platform === 'darwin' ? 'dylib' : 'so'}`,
    import.meta.url,
  ),
)

let loaded: boolean | undefined

/**
 * Load the WAL batching VFS (native/wal-batch.c, built on install) once per process: it
 * becomes SQLite's default VFS, so every connection opened afterwards writes a commit's
 * WAL frames with one call instead of two per page (a small commit here: 8 pages, 16
 * calls of ~2.5 µs → 1). Returns whether it is in use; without it (no C compiler at
 * install, Windows, or GALLEY_SQLITE_WAL_BATCH=0) SQLite behaves exactly the same, slower.
 */
export function useWalBatching(): boolean {
  if (loaded === undefined) {
    loaded = false
    if (process.env.GALLEY_SQLITE_WAL_BATCH !== '0' && existsSync(LIBRARY)) {
      const probe = new Database(':memory:')
      try {
        probe.loadExtension(LIBRARY) // entry point sqlite3_walbatch_init, from the file name
        loaded = true
      } catch (err) {
        console.warn(
          `[galley] WAL batching extension not loaded (${(err as Error).message}); SQLite works as usual.`,
        )
      } finally {
        probe.close()
      }
    }
  }
  return loaded
}

/**
 * For WAL files, over all connections of the process: writes SQLite handed to the batching
 * VFS, write calls it made, and how many of those were rewrites of frames already written.
 */
export function walBatchStats(
  db: Database.Database,
): { writes: number; calls: number; rewrites: number } | undefined {
  if (!loaded) return undefined
  const [writes, calls, rewrites] = String(
    db.prepare('SELECT galley_wal_batch() AS s').pluck().get(),
  )
    .split(' ')
    .map(Number)
  return { writes: writes!, calls: calls!, rewrites: rewrites! }
}

/**
 * Wait up to `ms` for locks held by other connections with the extension's busy handler
 * (native/busy-wait.c: tries again every 50 µs at first, so a writer held up for 4 ms
 * resumes after ~4 ms, not after SQLite's 1 + 2 + 5 ms sleeps), or with SQLite's own
 * busy_timeout where the extension is not loaded. Returns which one is in use.
 */
export function fineBusyTimeout(db: Database.Database, ms: number): boolean {
  if (loaded) {
    try {
      db.prepare('SELECT galley_busy_timeout(?)').get(ms)
      return true
    } catch {
      // a connection opened before the extension loaded has no such function
    }
  }
  db.pragma(`busy_timeout = ${ms}`)
  return false
}
