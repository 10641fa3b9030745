// The checkpoint worker's thread (started by checkpoint-worker.ts): its own connection to the
// database, a Checkpointer ticking on an interval, and a 'stop' message that runs a last
// tick, closes the connection and ends the thread.
import Database from 'better-sqlite3'
import { writeFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { type CheckpointTrace, Checkpointer } from './checkpointer'
import type { CheckpointWorkerData } from './checkpoint-worker'

const data = workerData as CheckpointWorkerData
const db = open()
const trace: CheckpointTrace[] | undefined = data.traceFile ? [] : undefined
const checkpointer = new Checkpointer(db, {
  restartFrames: data.restartFrames,
  busyTimeoutMs: data.busyTimeoutMs,
  trace,
  pauseReaders: data.pauseReaders,
})
const timer = setInterval(() => checkpointer.tick(), data.intervalMs)

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return
  clearInterval(timer)
  checkpointer.tick()
  if (data.pauseReaders) {
    Atomics.store(data.pauseReaders, 0, 0) // no thread left to clear it
    Atomics.notify(data.pauseReaders, 0)
  }
  db.close()
  if (trace && data.traceFile) writeFileSync(data.traceFile, JSON.stringify(trace))
  process.exit(0)
})

/** The connection; a failure says which file, as a plain Error (a SqliteError reaches the parent as `{ code }` only). */
function open(): Database.Database {
  try {
    return new Database(data.file, { timeout: data.busyTimeoutMs })
  } catch (err) {
    const e = err as { message?: string; code?: string }
    throw new Error(`cannot open ${data.file} for checkpoints: ${e.message} (${e.code})`)
  }
}
