import type Database from 'better-sqlite3'

/** Rows changed before the first check, then between checks. */
const FIRST_CHECK = 100
const CHECK_EVERY = 1000

/**
 * Keeps SQLite's planner statistics in line with the data, as SQLite recommends for
 * long-lived connections (sqlite.org/lang_analyze.html#autoanalyze): `PRAGMA optimize=0x10002`
 * at open, again once enough rows changed, hourly, and at close. Without statistics SQLite
 * assumes an equality on an index's first column (`collection`) finds ten rows, so on a
 * new database it scanned a whole collection through the primary key instead of using a
 * field's index. `optimize` analyses only tables that were never analysed or changed size
 * tenfold since, with a bounded sample, so a check that finds nothing to do is cheap.
 *
 * Only `sqlite_stat1` is kept (rows per index prefix: what the plans need). The samples
 * ANALYZE writes to `sqlite_stat4` make SQLite plan a statement again each time a value
 * bound to an indexed column changes (sqlite.org/c3ref/prepare.html): every lookup by id
 * would be compiled anew on each run. So the samples are deleted whenever there are any,
 * here or written by another process, and this connection's statistics reloaded.
 */
export class PlannerStatistics {
  readonly #raw: Database.Database
  readonly #busyTimeoutMs: number
  readonly #timer: NodeJS.Timeout
  #changes = 0
  #nextCheck = FIRST_CHECK

  readonly #release: () => void

  /**
   * `busyTimeoutMs`: the connection's own busy timeout, restored after each check.
   * `release`: ends the snapshot reads may hold on the connection (see ReadCache).
   */
  constructor(raw: Database.Database, busyTimeoutMs: number, release: () => void = () => {}) {
    this.#raw = raw
    this.#busyTimeoutMs = busyTimeoutMs
    this.#release = release
    this.optimize()
    this.#timer = setInterval(() => this.optimize(), 60 * 60_000)
    this.#timer.unref()
  }

  /** Told after each commit how many rows it changed; checks the statistics now and then. */
  changed(rows: number): void {
    this.#changes += rows
    if (this.#changes < this.#nextCheck) return
    this.#nextCheck = this.#changes + CHECK_EVERY
    this.optimize()
  }

  /**
   * Refresh what is stale. Never throws and never waits for a lock: ANALYZE writes, and
   * when another process holds the write lock the statistics wait for the next check
   * rather than the caller (whose write has already committed) for the busy timeout.
   */
  optimize(): void {
    if (!this.#raw.open) return
    this.#release()
    if (this.#raw.inTransaction) return
    try {
      this.#raw.pragma('busy_timeout = 0')
      this.#raw.pragma('optimize = 0x10002')
      if (this.#hasSamples()) this.#raw.exec('DELETE FROM sqlite_stat4; ANALYZE sqlite_schema')
    } catch {
      // the next check tries again
    } finally {
      if (this.#raw.open) this.#raw.pragma(`busy_timeout = ${this.#busyTimeoutMs}`)
    }
  }

  #hasSamples(): boolean {
    const table = this.#raw
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'")
      .get()
    return (
      table !== undefined &&
      this.#raw.prepare('SELECT 1 FROM sqlite_stat4 LIMIT 1').get() !== undefined
    )
  }

  close(): void {
    clearInterval(this.#timer)
    this.optimize()
  }
}
