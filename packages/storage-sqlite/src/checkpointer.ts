import type Database from 'better-sqlite3'

/** One checkpoint the checkpointer ran: start (ms since the epoch), duration, mode, log frames, frames copied. */
export type CheckpointTrace = [number, number, string, number | undefined, number | undefined]

export interface CheckpointerOptions {
  /** Restart the log once it is longer than this many frames and fully copied. */
  restartFrames: number
  /** How long a checkpoint waits for a lock held by another connection (ms). */
  busyTimeoutMs: number
  /** Collects every checkpoint run, for measuring stalls (off when undefined). */
  trace?: CheckpointTrace[]
  /**
   * Shared with the slow-read thread (slow-reads.ts): set to 1 while the log is longer than
   * `restartFrames`, so that thread starts no new read for a moment and the log can be
   * copied whole and restarted (back-to-back slow reads always held a snapshot, and the log
   * grew without end: 518 MB in 40 s of a review's load); 0 once it is short again.
   */
  pauseReaders?: Int32Array
}

interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
}

/**
 * The checkpoint policy, run on its own connection (`checkpoint-thread.ts` calls `tick` on
 * an interval). Each tick copies what it can without blocking anyone (PASSIVE). A long,
 * fully copied log is restarted (RESTART) so pages are read from the database file again,
 * after catching up with what writers appended meanwhile, so writers wait only briefly.
 * Once nothing was committed for a whole tick, the log file is emptied (TRUNCATE), once
 * per idle spell and without waiting: TRUNCATE holds the write lock while it waits for
 * readers, so waiting there would make writers wait behind a reader's snapshot.
 */
export class Checkpointer {
  readonly #db: Database.Database
  readonly #options: CheckpointerOptions
  readonly #dataVersion: Database.Statement
  #seenVersion: unknown
  #truncateTried = false
  /** Frames in the log after the last checkpoint (see `pauseReaders`). */
  #log = 0

  constructor(db: Database.Database, options: CheckpointerOptions) {
    if (!Number.isSafeInteger(options.restartFrames) || options.restartFrames < 1)
      throw new RangeError(
        `restartFrames must be a positive integer, got ${String(options.restartFrames)}`,
      )
    this.#db = db
    this.#options = options
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck()
    this.#seenVersion = this.#dataVersion.get()
    this.#busyTimeout(options.busyTimeoutMs)
  }

  /** One round of the policy above. Errors (a busy database, a closed file) wait for the next tick. */
  tick(): void {
    try {
      this.#tick()
      const pause = this.#options.pauseReaders
      if (pause) {
        const long = this.#log > this.#options.restartFrames ? 1 : 0
        if (Atomics.exchange(pause, 0, long) === 1 && long === 0) Atomics.notify(pause, 0)
      }
    } catch {
      // the next tick tries again
    }
  }

  #tick(): void {
    const version = this.#dataVersion.get()
    const idle = version === this.#seenVersion
    this.#seenVersion = version
    if (!idle) this.#truncateTried = false
    let r = this.#checkpoint('PASSIVE')
    if (!r || r.log === 0 || r.checkpointed < r.log) return
    if (idle) {
      if (this.#truncateTried) return
      this.#truncateTried = true
      this.#busyTimeout(0)
      try {
        this.#checkpoint('TRUNCATE')
      } finally {
        this.#busyTimeout(this.#options.busyTimeoutMs)
      }
      return
    }
    if (r.log <= this.#options.restartFrames) return
    for (let i = 0; i < 5; i++) {
      const before = r.log
      r = this.#checkpoint('PASSIVE')
      if (!r || r.checkpointed < r.log) return
      if (r.log - before < 64) break
    }
    this.#checkpoint('RESTART')
  }

  #checkpoint(mode: 'PASSIVE' | 'RESTART' | 'TRUNCATE'): CheckpointResult | undefined {
    const trace = this.#options.trace
    const start = trace ? performance.timeOrigin + performance.now() : 0
    const r = (this.#db.pragma(`wal_checkpoint(${mode})`) as CheckpointResult[])[0]
    // The log's length as this checkpoint left it: none once a restart went through.
    if (r) this.#log = mode !== 'PASSIVE' && r.busy === 0 ? 0 : r.log
    if (trace)
      trace.push([
        start,
        performance.timeOrigin + performance.now() - start,
        mode,
        r?.log,
        r?.checkpointed,
      ])
    return r
  }

  #busyTimeout(ms: number): void {
    this.#db.pragma(`busy_timeout = ${ms}`)
  }
}
