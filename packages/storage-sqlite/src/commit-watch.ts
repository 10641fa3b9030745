import type Database from 'better-sqlite3'
import { closeSync, openSync, readSync } from 'node:fs'

/**
 * Tells whether anything may have been committed to the database since the previous call,
 * by any connection or process. It is asked before every cached read, so it must be cheap.
 *
 * In WAL mode every commit rewrites the header of the WAL index (the `-shm` file every
 * connection maps): its change counter, frame count and checksums (sqlite.org/walformat.html,
 * unchanged since 3.7.0). Reading those 96 bytes is one `pread` (~0.6 µs); `PRAGMA data_version`
 * opens and closes a read transaction (~2 µs, two `fcntl` and an `fstat`). A writer updates
 * the second copy of the header, then the first; if the two copies differ the read caught an
 * update midway, and the watch answers "changed", as when the `-shm` file cannot be read.
 * Without a WAL index (`:memory:`, a file system without WAL) it asks `data_version`.
 * Answers err on the side of "changed": a restart of the log or this connection's own
 * commits also count, which only costs a cache refill (and a new held snapshot).
 */
export class CommitWatch {
  readonly #dataVersion: Database.Statement
  #seenVersion: unknown = undefined
  #fd: number | undefined
  readonly #header = Buffer.alloc(96)
  readonly #lastHeader = Buffer.alloc(48)
  // Word views of the same bytes, for comparing (Buffer.alloc memory is 8-byte aligned).
  readonly #headerWords = new Int32Array(this.#header.buffer, this.#header.byteOffset, 24)
  readonly #lastWords = new Int32Array(this.#lastHeader.buffer, this.#lastHeader.byteOffset, 12)

  constructor(raw: Database.Database, file: string) {
    this.#dataVersion = raw.prepare('PRAGMA data_version').pluck()
    this.#seenVersion = this.#dataVersion.get() // also makes sure the -shm file exists
    if (
      file !== ':memory:' &&
      String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal'
    ) {
      try {
        this.#fd = openSync(`${file}-shm`, 'r')
      } catch {
        this.#fd = undefined // no WAL index to read: data_version it is
      }
    }
  }

  /** True when something may have been committed since the previous call. */
  changed(): boolean {
    if (this.#fd !== undefined) {
      let n = 0
      try {
        n = readSync(this.#fd, this.#header, 0, 96, 0)
      } catch {
        n = 0
      }
      // Caught midway through a commit (or unreadable): changed. Not `data_version`, which
      // inside a read transaction (see ReadCache's held snapshot) tells that snapshot's.
      if (n !== 96 || !sameWords(this.#headerWords, 0, this.#headerWords, 12)) return true
      if (sameWords(this.#headerWords, 0, this.#lastWords, 0)) return false
      this.#header.copy(this.#lastHeader, 0, 0, 48)
      return true
    }
    const version = this.#dataVersion.get()
    if (version === this.#seenVersion) return false
    this.#seenVersion = version
    return true
  }

  /** Where changes are read from (the WAL-index header when there is one). */
  get source(): 'wal-index' | 'data_version' {
    return this.#fd === undefined ? 'data_version' : 'wal-index'
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }
}

/**
 * Whether twelve 32-bit words (48 bytes) at `a`[`i`] equal those at `b`[`j`]: compared in
 * JavaScript, not with Buffer.compare, whose call into C++ cost more than the read itself.
 */
function sameWords(a: Int32Array, i: number, b: Int32Array, j: number): boolean {
  for (let k = 0; k < 12; k++) if (a[i + k] !== b[j + k]) return false
  return true
}
