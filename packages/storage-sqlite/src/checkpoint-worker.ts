import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Checkpoints the WAL from a worker thread with its own connection. Writers on the main
 * thread then never pay for copying WAL frames into the database and the fsyncs that go
 * with it (measured here: 450 µs → 190 µs per small commit). PASSIVE checkpoints never
 * block readers or writers.
 *
 * Once every frame of a long log is in the database, the worker also restarts the log
 * (RESTART): until then every page a reader or writer needs that is in the log is read
 * with a syscall from the log instead of from the memory-mapped database (measured: a
 * slug lookup 24 µs against 7 µs after a bulk load). The restart happens here, not on the
 * main thread, so it needs no turn of the main event loop (a busy process would not give
 * it one) and copies nothing there. Safe since the store's write transactions begin
 * IMMEDIATE: they wait for the restart instead of losing their snapshot (SQLITE_BUSY).
 * Before restarting, the worker repeats PASSIVE checkpoints until few frames are left, so
 * the moment in which writers wait stays short.
 */
export function startCheckpointWorker(file: string, intervalMs = 250, resetFrames = 4000): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  // Plain JavaScript, evaluated: the worker needs no TypeScript loader.
  const source = `
    const { workerData, parentPort } = require('node:worker_threads')
    const Database = require(workerData.driver)
    const db = new Database(workerData.file)
    db.pragma('busy_timeout = 100')
    const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0]
    const tick = () => {
      try {
        let r = checkpoint('PASSIVE')
        if (!r || r.log <= workerData.resetFrames || r.checkpointed < r.log) return
        // Catch up with what writers appended meanwhile, then restart with little left to copy.
        for (let i = 0; i < 5; i++) {
          const before = r.log
          r = checkpoint('PASSIVE')
          if (!r || r.checkpointed < r.log) return
          if (r.log - before < 64) break
        }
        checkpoint('RESTART')
      } catch {}
    }
    const timer = setInterval(tick, workerData.intervalMs)
    parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); tick(); db.close(); process.exit(0) } })
  `
  const worker = new Worker(source, { eval: true, workerData: { driver, file, intervalMs, resetFrames } })
  worker.unref()
  return worker
}
