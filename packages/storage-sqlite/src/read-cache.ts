import type Database from 'better-sqlite3'
import { ConfigError } from '@galley/core'
import type { ReadNow } from '@galley/sql'
import { CommitWatch } from './commit-watch'
import { allRows } from './rows'

export interface ReadCacheOptions {
  /** Upper bound of the cached rows' size (their text length, about their memory). Default 64 MiB; 0 turns the cache off. */
  maxBytes?: number
}

/** The byte budget an option asks for (`false`: none), or a `ConfigError` naming the option. */
export function readCacheBytes(option: ReadCacheOptions | false | undefined): number {
  const max = option === false ? 0 : (option?.maxBytes ?? 64 * 1024 * 1024)
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0) {
    throw new ConfigError(
      `sqlite({ readCache: { maxBytes } }): maxBytes must be a non-negative number of bytes, got ${String(max)}.`,
    )
  }
  return max
}

/**
 * Reads outside transactions, run synchronously on the connection and answered from a
 * result cache while nothing has been committed since.
 *
 * Why it is safe: a result is only ever reused while the database is unchanged — every
 * transaction of this store drops the cache when it ends (`invalidate`), and commits of
 * any other connection or process are looked for before every read (`CommitWatch`: the
 * WAL index header, or `PRAGMA data_version`). Cached rows hold only strings and numbers, and callers build new objects
 * from them, so nothing handed out can change what is kept. While the connection is inside
 * a transaction (Kysely runs them across awaits), reads are declined and go through Kysely,
 * which queues them behind it, as before.
 */
export class ReadCache {
  readonly #raw: Database.Database
  readonly #prepare: (text: string) => Database.Statement
  readonly #commits: CommitWatch
  readonly #maxBytes: number
  /** In the order results were kept (or given a second chance); see #evict. */
  readonly #cache = new Map<string, { rows: unknown[]; bytes: number; used: boolean }>()
  #bytes = 0
  readonly #textIds = new Map<string, number>()
  #nextTextId = 0
  /** Counts invalidations: changes whenever the cached results had to go. */
  #generation = 0

  readonly #onCommits: () => void
  /** Inside `together`; `#begun` once its read transaction is open. */
  #together = false
  #begun = false
  /** The cache generation the read transaction of `together` began in. */
  #snapshotOf = 0
  /** The generation of the first result `together` took from the cache, if any. */
  #hitOf: number | undefined
  /** `together` again, every read a statement: the cache and the snapshot disagreed. */
  #bypass = false
  readonly #begin: Database.Statement
  readonly #commit: Database.Statement

  /**
   * `maxBytes` as `readCacheBytes` checked it; 0 runs reads without keeping them.
   * `onCommits` is told whenever commits (here or elsewhere) have been seen.
   */
  constructor(
    raw: Database.Database,
    file: string,
    prepare: (text: string) => Database.Statement,
    maxBytes: number,
    onCommits: () => void = () => {},
  ) {
    this.#raw = raw
    this.#prepare = prepare
    this.#commits = new CommitWatch(raw, file)
    this.#maxBytes = maxBytes
    this.#onCommits = onCommits
    this.#begin = raw.prepare('BEGIN')
    this.#commit = raw.prepare('COMMIT')
  }

  /**
   * Run `fn` at once, its reads answered from one snapshot: the first one that runs a
   * statement opens a read transaction (`BEGIN`, deferred), which ends with `fn`. Outside
   * a transaction SQLite takes and drops its read lock around every statement (system
   * calls: a lookup by primary key costs 5.4 µs alone on a virtual machine, 1.3 µs inside a
   * transaction), and a count read apart from its page may see a commit the page did not.
   * Reads answered from the cache open nothing. Undefined while a transaction holds the
   * connection. `fn` must not wait for anything: the transaction is this connection's.
   */
  together<T>(fn: (read: ReadNow) => T): T | undefined {
    if (this.#raw.inTransaction || !this.#raw.open || this.#together) return undefined
    const read: ReadNow = <R>(text: string, params: unknown[]) => this.#read(text, params) as R[]
    try {
      return this.#attempt(fn, read)
    } catch (err) {
      if (err !== STALE_HIT) throw err
      // A result from the cache and one read now came from different states: all again,
      // every read a statement of one snapshot.
      this.#bypass = true
      return this.#attempt(fn, read)
    } finally {
      this.#bypass = false
    }
  }

  #attempt<T>(fn: (read: ReadNow) => T, read: ReadNow): T {
    this.#together = true
    this.#hitOf = undefined
    try {
      return fn(read)
    } finally {
      this.#together = false
      if (this.#begun) {
        this.#begun = false
        if (this.#raw.inTransaction) this.#commit.run()
      }
    }
  }

  /** Rows of a read, or undefined while a transaction holds the connection. */
  read(text: string, params: readonly unknown[]): unknown[] | undefined {
    if (this.#raw.inTransaction || !this.#raw.open) return undefined
    return this.#read(text, params)
  }

  /** A statement's rows, opening the read transaction of `together`. */
  #run(text: string, params: readonly unknown[]): unknown[] {
    if (!this.#together || this.#begun) return allRows(this.#prepare(text), params)
    this.#begin.run()
    this.#begun = true
    this.#snapshotOf = this.#generation
    const rows = allRows(this.#prepare(text), params)
    // The snapshot began with this statement. A result taken from the cache before it is
    // of the same state only if nothing was committed since that result was checked.
    if (this.#hitOf !== undefined) {
      this.#checkOthers()
      if (this.#generation !== this.#hitOf) throw STALE_HIT
    }
    return rows
  }

  #read(text: string, params: readonly unknown[]): unknown[] {
    if (this.#maxBytes === 0 || this.#bypass) return this.#run(text, params)
    this.#checkOthers()
    const key = `${this.#textId(text)}\u0000${JSON.stringify(params)}`
    const hit = this.#cache.get(key)
    if (hit) {
      // Only marked: moving it to the back on every hit (delete + set) cost a cached read
      // two more lookups of its ~400-character key and made the Map rehash now and then.
      hit.used = true
      if (this.#together && !this.#begun && this.#hitOf === undefined)
        this.#hitOf = this.#generation
      return hit.rows
    }
    const rows = this.#run(text, params)
    const bytes = sizeOf(rows) + key.length
    // A snapshot older than a commit seen since it began must not fill the cache anew.
    const current = !this.#begun || this.#snapshotOf === this.#generation
    if (current && bytes <= this.#maxBytes / 16) {
      // Room first, so the new result is never the one evicted.
      this.#evict(this.#maxBytes - bytes)
      this.#cache.set(key, { rows, bytes, used: false })
      this.#bytes += bytes
    }
    return rows
  }

  /**
   * A short stand-in for a statement's text in cache keys: keys are built per read, and a
   * key holding the whole text (~1,000 characters) would be hashed whole on every lookup,
   * while the text itself is one string instance per statement (resolved-select.ts) whose
   * hash V8 keeps.
   */
  #textId(text: string): number {
    let id = this.#textIds.get(text)
    if (id === undefined) {
      if (this.#textIds.size >= 10_000) {
        // Forget every text and its results (ids are never reused, so nothing stale is found).
        this.#textIds.clear()
        this.invalidate()
      }
      id = this.#nextTextId++
      this.#textIds.set(text, id)
    }
    return id
  }

  /**
   * Drop results until at most `budget` bytes are kept, oldest first, except that a result read since it was
   * kept (or since its last second chance) goes to the back instead, once: the "second
   * chance" approximation of least-recently-used, with hits that change nothing but a flag.
   */
  #evict(budget: number): void {
    for (const [k, v] of this.#cache) {
      if (this.#bytes <= budget) break
      this.#cache.delete(k)
      if (v.used) {
        v.used = false
        this.#cache.set(k, v) // visited again later in this loop, if still over budget
      } else {
        this.#bytes -= v.bytes
      }
    }
  }

  /** Forget every cached result (after this store wrote, or its schema changed). */
  invalidate(): void {
    this.#cache.clear()
    this.#bytes = 0
    this.#generation++
  }

  /**
   * A number that changes whenever anything is committed, here or by any other connection;
   * undefined while a transaction holds the connection (what it reads is not committed).
   * Callers that cache results of reads take it before reading and reuse a result only
   * while it is unchanged.
   */
  version(): number | undefined {
    if (this.#raw.inTransaction || !this.#raw.open) return undefined
    this.#checkOthers()
    return this.#generation
  }

  /** Commits of other connections and processes drop the cache too. */
  #checkOthers(): void {
    if (this.#commits.changed()) {
      this.#onCommits()
      this.invalidate()
    }
  }

  close(): void {
    this.#commits.close()
  }

  get size(): number {
    return this.#cache.size
  }
}

/** Thrown inside `together` when a cached result predates the snapshot a later read began. */
const STALE_HIT = Symbol('stale cache hit')

/** About the memory a result holds: V8 keeps ASCII text at a byte per character. */
function sizeOf(rows: unknown[]): number {
  let n = 64
  for (const row of rows) {
    n += 64
    for (const v of Object.values(row as Record<string, unknown>))
      n += typeof v === 'string' ? v.length + 16 : 16
  }
  return n
}
