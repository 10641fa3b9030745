import type { Worker } from 'node:worker_threads'
import { QueryTimeoutError, StoreBusyError } from '@galley/core'
import type { AsideStatement } from '@galley/sql'
import { startThread } from './start-thread'

/** What `slow-read-thread.ts` is started with. */
export interface SlowReadWorkerData {
  file: string
  /** Each statement's limit (ms; Infinity: none). */
  timeoutMs: number
  busyTimeoutMs: number
  /** Set by the checkpoint thread while the log waits to be restarted (see checkpointer.ts). */
  pauseReaders?: Int32Array
}

/** One read sent to the thread. */
export interface SlowRead {
  id: number
  page: AsideStatement
  count: AsideStatement | undefined
  limit: number
  offset: number
}

/** The thread's answer to one read. */
export type SlowReadAnswer =
  | { id: number; rows: unknown[]; total: number | undefined }
  | { id: number; error: { timeout: boolean; message: string; code?: string } }

interface Pending {
  resolve(answer: { rows: unknown[]; total: number | undefined }): void
  reject(err: Error): void
}

/** Reads waiting for the thread beyond which more are refused (`STORE_BUSY`). */
const MAX_WAITING = 16

/**
 * Finds whose time grows with the collection (a filter or sort on a field that is not
 * indexed, text patterns, many conditions), run in a worker thread with its own connection
 * (`slow-read-thread.ts`). better-sqlite3 runs a statement on the calling thread until it
 * ends, so such a find over a large collection held every other request of the server for
 * as long as it ran, up to the time limit, and a client sending them in a loop held the
 * server all the time (found by review). In the thread it holds only the reads queued
 * behind it; requests answered from an index go on. One read at a time, in the order they
 * came; past MAX_WAITING waiting, a read is refused with `StoreBusyError`.
 *
 * Each read is one read transaction begun when the thread takes it, so it sees every
 * commit made before it was asked (WAL). The thread starts with the first slow read, and
 * keeps the process alive only while reads are waiting for it.
 */
export class SlowReads {
  readonly #data: SlowReadWorkerData
  #thread: Worker | undefined
  readonly #pending = new Map<number, Pending>()
  #nextId = 0
  #closed = false

  constructor(data: SlowReadWorkerData) {
    this.#data = data
  }

  run(
    page: AsideStatement,
    count: AsideStatement | undefined,
    paging: { limit: number; offset: number },
  ): Promise<{ rows: unknown[]; total: number | undefined }> {
    if (this.#closed) return Promise.reject(new Error('The store is closed.'))
    if (this.#pending.size >= MAX_WAITING)
      return Promise.reject(
        new StoreBusyError(
          `${MAX_WAITING} slow reads (filters that test every document) are already waiting, so this one was refused. Try again shortly; if it lasts, give the fields those filters read an index (index: true).`,
        ),
      )
    const thread = this.#started()
    const id = this.#nextId++
    const read: SlowRead = { id, page, count, ...paging }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      if (this.#pending.size === 1) thread.ref()
      thread.postMessage(read)
    })
  }

  #started(): Worker {
    if (this.#thread) return this.#thread
    const thread = startThread('slow-read-thread', this.#data)
    thread.unref()
    thread.on('message', (answer: SlowReadAnswer) => {
      const pending = this.#pending.get(answer.id)
      if (!pending) return
      this.#settled(answer.id)
      if ('error' in answer)
        pending.reject(
          answer.error.timeout
            ? new QueryTimeoutError(answer.error.message)
            : Object.assign(
                new Error(`A slow read failed in its worker thread: ${answer.error.message}`),
                { code: answer.error.code },
              ),
        )
      else pending.resolve({ rows: answer.rows, total: answer.total })
    })
    // A thread that failed or ended fails what it held; the next read starts a new one.
    const gone = (err: unknown) => {
      if (this.#thread !== thread) return
      this.#thread = undefined
      const error =
        err instanceof Error ? err : new Error(`The slow-read worker thread stopped (${err}).`)
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id)
        pending.reject(error)
      }
    }
    thread.on('error', gone)
    thread.on('exit', (code) => gone(code))
    this.#thread = thread
    return thread
  }

  #settled(id: number): void {
    this.#pending.delete(id)
    if (this.#pending.size === 0) this.#thread?.unref()
  }

  /** End the thread (reads still waiting fail). */
  async close(): Promise<void> {
    this.#closed = true // no read starts a thread again
    const thread = this.#thread
    if (!thread) return
    this.#thread = undefined
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id)
      pending.reject(new Error('The store was closed while this read was waiting.'))
    }
    // Let the thread close its connection (after the read it is running, which the time
    // limit ends); terminate it only if that takes long.
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
    thread.ref()
    thread.postMessage('stop')
    const grace = Math.min(this.#data.timeoutMs, 10_000) + 1000 // no limit: 11 s
    const late = setTimeout(() => void thread.terminate(), grace)
    late.unref()
    await exited
    clearTimeout(late)
  }
}
