// The slow-read worker's thread (started by slow-reads.ts): its own read-only connection to
// the database, answering one read at a time (a page and maybe its count, in one read
// transaction), each statement stopped at the store's time limit.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { allRows } from './rows'
import type { SlowRead, SlowReadAnswer, SlowReadWorkerData } from './slow-reads'
import { foldCase } from './fold-case'
import { timeoutMessage } from './timeout-message'
import { totalUnknown } from './total-unknown'

const data = workerData as SlowReadWorkerData
// The store's file, never a new one in its place (it was removed, or renamed over).
const db = new Database(data.file, { timeout: data.busyTimeoutMs, fileMustExist: true })
// Reads only: a statement that writes fails here whatever it is.
db.pragma('query_only = ON')
db.pragma('cache_size = -8000')
db.pragma('mmap_size = 268435456')
db.function('galley_fold', { deterministic: true }, foldCase)

/** Thrown by galley_deadline, told apart from SQLite's own errors when answering. */
class TimedOut extends Error {}
let started = 0
db.function('galley_deadline', { deterministic: false, directOnly: true }, () => {
  if (performance.now() - started > data.timeoutMs) throw new TimedOut()
  return 1
})

/** Prepared statements by text; few shapes of slow reads repeat, so a small cache. */
const statements = new Map<string, Database.Statement>()
function prepare(text: string): Database.Statement {
  let stmt = statements.get(text)
  if (!stmt) {
    if (statements.size >= 100) statements.delete(statements.keys().next().value!)
    stmt = db.prepare(text)
    statements.set(text, stmt)
  }
  started = performance.now()
  return stmt
}

const begin = db.prepare('BEGIN')
const commit = db.prepare('COMMIT')

parentPort!.on('message', (read: SlowRead | 'stop') => {
  if (read === 'stop') {
    db.close()
    process.exit(0)
  }
  let answer: SlowReadAnswer
  // While the checkpoint thread waits to restart a long log, no new snapshot for a moment
  // (at most a second, so reads never starve): see `pauseReaders` in checkpointer.ts.
  if (data.pauseReaders && Atomics.load(data.pauseReaders, 0) === 1)
    Atomics.wait(data.pauseReaders, 0, 1, 1000)
  begin.run()
  try {
    const rows = allRows(prepare(read.page.text), read.page.params)
    let total: number | undefined
    if (read.count && totalUnknown(rows.length, read)) {
      const [c] = allRows(prepare(read.count.text), read.count.params) as Array<{ n: number }>
      total = Number(c!.n)
    }
    answer = { id: read.id, rows, total }
  } catch (err) {
    answer =
      err instanceof TimedOut
        ? { id: read.id, error: { timeout: true, message: timeoutMessage(data.timeoutMs) } }
        : {
            id: read.id,
            error: {
              timeout: false,
              message: String((err as Error)?.message ?? err),
              code: (err as { code?: string })?.code,
            },
          }
  } finally {
    if (db.inTransaction) commit.run()
  }
  parentPort!.postMessage(answer)
})
