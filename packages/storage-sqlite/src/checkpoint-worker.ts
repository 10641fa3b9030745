import type { Worker } from 'node:worker_threads'
import { startThread } from './start-thread'

/** What `checkpoint-thread.ts` is started with. */
export interface CheckpointWorkerData {
  file: string
  intervalMs: number
  restartFrames: number
  busyTimeoutMs: number
  /** `GALLEY_SQLITE_CHECKPOINT_TRACE`: where the thread writes its checkpoints when it stops. */
  traceFile: string | undefined
  /** See `CheckpointerOptions.pauseReaders`. */
  pauseReaders?: Int32Array
}

export interface CheckpointWorkerOptions {
  /** Time between checkpoints (ms). */
  intervalMs: number
  /** Restart the log once it is longer than this many frames and fully copied. */
  restartFrames: number
  /** How long the worker's checkpoints wait for a lock (ms). Default 100. */
  busyTimeoutMs?: number
  /** Told when the thread failed (it is gone then); the caller checkpoints by other means. */
  onError(err: Error): void
  /** See `CheckpointerOptions.pauseReaders`. */
  pauseReaders?: Int32Array
}

/** A running checkpoint worker. */
export interface CheckpointWorker {
  /** Run a last checkpoint, close the worker's connection and end the thread. */
  stop(): Promise<void>
  /** The thread, for tests. */
  readonly thread: Worker
}

/**
 * Checkpoints the WAL from a worker thread with its own connection (`checkpoint-thread.ts`,
 * policy in `checkpointer.ts`): writers on the main thread never copy WAL frames into the
 * database or wait for its fsync, and a restart of the log needs no turn of the main event
 * loop. Safe because the store's write transactions begin IMMEDIATE: they wait for a
 * restart (busy timeout) instead of losing their snapshot. The thread does not keep the
 * process alive, except while `stop()` runs.
 *
 * `GALLEY_SQLITE_CHECKPOINT_TRACE=<file>`: the thread writes every checkpoint it ran to that
 * file as JSON when it stops (for measuring stalls; off by default).
 */
export function startCheckpointWorker(
  file: string,
  options: CheckpointWorkerOptions,
): CheckpointWorker {
  const workerData: CheckpointWorkerData = {
    file,
    intervalMs: options.intervalMs,
    restartFrames: options.restartFrames,
    busyTimeoutMs: options.busyTimeoutMs ?? 100,
    traceFile: process.env.GALLEY_SQLITE_CHECKPOINT_TRACE || undefined,
    pauseReaders: options.pauseReaders,
  }
  const thread = startThread('checkpoint-thread', workerData)
  thread.unref()
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
  thread.on('error', (err: unknown) =>
    options.onError(
      err instanceof Error ? err : new Error(`checkpoint worker: ${JSON.stringify(err)}`),
    ),
  )
  return {
    thread,
    async stop() {
      // Keep the process alive until the thread has checkpointed and closed.
      thread.ref()
      thread.postMessage('stop')
      await exited
    },
  }
}
