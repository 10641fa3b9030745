import type Database from 'better-sqlite3'
import { type ClockEntry, ClockRing, type ReadNow, byteBudget } from '@galley/sql'
import { CommitWatch } from './commit-watch'
import { allRows } from './rows'

export interface ReadCacheOptions {
  /** Upper bound of the cached rows' size (their text length, about their memory). Default 64 MiB; 0 turns the cache off. */
  maxBytes?: number
}

/** The byte budget `readCache` asks for (see byteBudget), or a `ConfigError` naming it. */
export function readCacheBytes(option: unknown): number {
  return byteBudget(option, 'sqlite({ readCache })', 64 * 1024 * 1024)
}

/**
 * How long one held snapshot may serve reads (ms), and how many, before the next read lets it
 * go: a loop of reads that never yields to the event loop still leaves the checkpoint worker
 * a moment to restart the log. (The worker's restart holds the write lock while it waits for
 * readers, up to 100 ms: a snapshot kept longer stalls every writer, and the log grows.)
 */
const HELD_MS = 2
const HELD_READS = 1000

/**
 * The caches of this process that hold a snapshot now. A write of any store of this process
 * lets them all go first: if the worker waits for one of them to restart the log, the write
 * waits for the worker, and the snapshot cannot end while this thread waits.
 */
const holders = new Set<ReadCache>()

/** End every snapshot reads of this process hold (see ReadCache): before any write. */
export function releaseHeldSnapshots(): void {
  for (const cache of holders) cache.release()
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
 *
 * **The held snapshot** (WAL mode): outside a transaction SQLite takes and drops its read
 * lock around every statement, two `fcntl` and an `fstat`: 2.0 of the 2.5 µs a lookup by
 * primary key takes on a virtual machine (0.5 µs inside a transaction). So the first read
 * that runs a statement opens a read transaction (`BEGIN`) and keeps it for the reads after
 * it. It is always the newest state: each read first asks the commit watch (a `pread` of
 * the WAL-index header, 0.6 µs, which the cache asks anyway), and a commit anywhere since
 * ends the snapshot before the read runs. It is let go when the event loop next turns
 * (`setImmediate`), by the first read after HELD_MS or HELD_READS, and before anything else
 * uses the connection (`release`: write transactions, Kysely, planner statistics, close;
 * a write of any store of this process ends all of them), so it keeps no writer, the
 * checkpoint worker or a schema change waiting for more than a moment. Without
 * a WAL index (`:memory:`, a file system without WAL) nothing is held: a read transaction
 * there would block other writers outright.
 */
export class ReadCache {
  readonly #raw: Database.Database
  readonly #prepare: (text: string) => Database.Statement
  readonly #commits: CommitWatch
  readonly #maxBytes: number
  readonly #cache = new Map<string, Kept>()
  /** The order kept results go in (CLOCK: a result read since it was kept gets a second chance). */
  readonly #ring = new ClockRing<Kept>()
  readonly #evicted = (e: Kept) => this.#cache.delete(e.key)
  readonly #textIds = new Map<string, number>()
  #nextTextId = 0
  /** Counts invalidations: changes whenever the cached results had to go. */
  #generation = 0

  readonly #onCommits: () => void
  /** Whether reads keep a snapshot between them (WAL mode: see the class comment). */
  readonly #holds: boolean
  /** Whether reads look for commits first: to renew a held snapshot, or to drop the cache. */
  readonly #watches: boolean
  /** A read transaction this cache began and keeps: the held snapshot, or `together`'s. */
  #held = false
  /** Reads the held snapshot served, and when it began (performance.now()). */
  #heldReads = 0
  #heldSince = 0
  #releaseQueued = false
  readonly #releaseSoon = () => {
    this.#releaseQueued = false
    this.release()
  }
  /** Inside `together`: its reads look for no commits, and the snapshot is not renewed. */
  #together = false
  /** Results `together` took from the cache; `#bypass`: its second try, statements only. */
  #hits = 0
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
    /**
     * How long a held snapshot may serve reads (ms; HELD_MS). Tests that mean two reads to
     * share one pass more, so that a loaded machine does not end it between them.
     */
    private readonly heldMs = HELD_MS,
  ) {
    this.#raw = raw
    this.#prepare = prepare
    this.#commits = new CommitWatch(raw, file)
    this.#maxBytes = maxBytes
    this.#onCommits = onCommits
    this.#holds = this.#commits.source === 'wal-index'
    this.#watches = this.#holds || maxBytes > 0
    this.#begin = raw.prepare('BEGIN')
    this.#commit = raw.prepare('COMMIT')
  }

  /**
   * Whether the connection is free for this cache's reads: open, and in no transaction but
   * its own.
   */
  #free(): boolean {
    return this.#raw.open && (this.#held || !this.#raw.inTransaction)
  }

  /**
   * End the held snapshot, if any. Whoever uses the connection other than through this
   * cache calls it first: a transaction cannot begin inside this one, and a snapshot kept
   * while waiting for anything would keep the log from restarting.
   */
  release(): void {
    if (!this.#held) return
    this.#held = false
    holders.delete(this)
    if (this.#raw.open && this.#raw.inTransaction) this.#commit.run()
  }

  /**
   * Before a read (or `together`'s reads): let a snapshot go that served long enough (see
   * HELD_MS; every read counts, cached or not), then look for commits.
   */
  #beforeRead(): void {
    if (
      this.#held &&
      (++this.#heldReads > HELD_READS || performance.now() - this.#heldSince > this.heldMs)
    )
      this.release()
    if (this.#watches) this.#checkOthers()
  }

  /** Open a read transaction for the statements that follow, unless one is held. */
  #hold(): void {
    if (this.#held) return
    this.#begin.run()
    this.#held = true
    holders.add(this)
    this.#heldReads = 0
    this.#heldSince = performance.now()
    if (this.#holds && !this.#releaseQueued) {
      this.#releaseQueued = true
      setImmediate(this.#releaseSoon)
    }
  }

  /**
   * Run `fn` at once, its reads (a page and its count, a list of revisions and their number)
   * all of one state: statements of one snapshot, and results from the cache only while
   * nothing has been committed since they were read. Commits are looked for once, before
   * `fn`, and the snapshot is not renewed inside it. Undefined while a transaction holds the
   * connection. `fn` must not wait for anything: the transaction is this connection's.
   */
  together<T>(fn: (read: ReadNow) => T): T | undefined {
    if (!this.#free() || this.#together) return undefined
    this.#beforeRead()
    // A snapshot held now was opened before that check found nothing new: it is of the
    // state the cached results are of. One opened inside `fn` may also hold a commit made
    // after the check, which the cached results do not: looked for again after `fn`.
    const held = this.#held
    this.#together = true
    this.#hits = 0
    try {
      const result = fn(this.#readTogether)
      if (held || this.#hits === 0 || !this.#held || !this.#commits.changed()) return result
      // A result from the cache and a statement read two states: everything again, as
      // statements of a new snapshot, and the cache starts over.
      this.release()
      this.#onCommits()
      this.invalidate()
      this.#bypass = true
      return fn(this.#readTogether)
    } finally {
      this.#together = false
      this.#bypass = false
      // Where nothing is held between reads, the snapshot ends with `fn`.
      if (!this.#holds) this.release()
    }
  }

  readonly #readTogether: ReadNow = <R>(text: string, params: unknown[]) =>
    (this.#bypass ? this.#run(text, params) : this.#cached(text, params)) as R[]

  /** Rows of a read, or undefined while a transaction holds the connection. */
  read(text: string, params: readonly unknown[]): unknown[] | undefined {
    if (!this.#free()) return undefined
    this.#beforeRead()
    return this.#cached(text, params)
  }

  /** A statement's rows, in the held snapshot (or `together`'s) where there is one. */
  #run(text: string, params: readonly unknown[]): unknown[] {
    if (this.#holds || this.#together) this.#hold()
    return allRows(this.#prepare(text), params)
  }

  /** Rows from the cache, or of a statement, kept (commits were looked for by the caller). */
  #cached(text: string, params: readonly unknown[]): unknown[] {
    if (this.#maxBytes === 0) return this.#run(text, params)
    const key = this.#keyOf(text, params)
    const hit = this.#cache.get(key)
    if (hit) {
      // Only marked: moving it to the back on every hit (delete + set) cost a cached read
      // two more lookups of its ~400-character key and made the Map rehash now and then.
      hit.used = true
      this.#hits++
      return hit.rows
    }
    const rows = this.#run(text, params)
    this.#put(key, rows)
    return rows
  }

  #put(key: string, rows: unknown[]): void {
    const bytes = sizeOf(rows) + key.length
    if (bytes <= this.#maxBytes / 16) {
      // Room first, so the new result is never the one evicted.
      this.#ring.fit(this.#maxBytes - bytes, this.#evicted)
      const old = this.#cache.get(key)
      if (old) this.#ring.remove(old)
      const kept: Kept = { key, rows, bytes, used: false, slot: -1 }
      this.#ring.add(kept)
      this.#cache.set(key, kept)
    }
  }

  /**
   * The kept rows of a statement, if any, of the newest state (commits are looked for
   * first), without running it: for reads that run elsewhere (the slow-read thread).
   * Undefined while a transaction holds the connection.
   */
  kept(text: string, params: readonly unknown[]): unknown[] | undefined {
    if (this.#maxBytes === 0 || !this.#free()) return undefined
    this.#beforeRead()
    const hit = this.#cache.get(this.#keyOf(text, params))
    if (!hit) return undefined
    hit.used = true
    return hit.rows
  }

  /**
   * Keep rows read elsewhere, of the state `version()` answered before they were asked for,
   * unless anything was committed since (then they may be older than the newest state).
   */
  keep(text: string, params: readonly unknown[], rows: unknown[], version: number): void {
    if (this.#maxBytes === 0 || this.version() !== version) return
    this.#put(this.#keyOf(text, params), rows)
  }

  #keyOf(text: string, params: readonly unknown[]): string {
    return `${this.#textId(text)}\u0000${JSON.stringify(params)}`
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

  /** Forget every cached result (after this store wrote, or its schema changed). */
  invalidate(): void {
    this.#cache.clear()
    this.#ring.clear()
    this.#generation++
  }

  /**
   * A number that changes whenever anything is committed, here or by any other connection;
   * undefined while a transaction holds the connection (what it reads is not committed).
   * Callers that cache results of reads take it before reading and reuse a result only
   * while it is unchanged.
   */
  version(): number | undefined {
    if (!this.#free()) return undefined
    this.#checkOthers()
    return this.#generation
  }

  /** Commits of other connections and processes drop the cache too. */
  #checkOthers(): void {
    if (this.#commits.changed()) {
      // The held snapshot is of the state before: let it go first (also so that `onCommits`
      // reads the schema as it is now).
      this.release()
      this.#onCommits()
      this.invalidate()
    }
  }

  close(): void {
    this.release()
    this.#commits.close()
  }

  get size(): number {
    return this.#cache.size
  }
}

/** A kept result: its rows, under its key. */
interface Kept extends ClockEntry {
  key: string
  rows: unknown[]
}

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
