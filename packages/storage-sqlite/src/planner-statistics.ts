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
 */
export class PlannerStatistics {
  readonly #raw: Database.Database
  readonly #timer: NodeJS.Timeout
  #changes = 0
  #nextCheck = FIRST_CHECK

  constructor(raw: Database.Database) {
    this.#raw = raw
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
   * Refresh what is stale. Never throws: a busy database (another process writing) or a
   * closed connection leaves the statistics for the next check, and the write that asked
   * has already committed.
   */
  optimize(): void {
    if (!this.#raw.open || this.#raw.inTransaction) return
    try {
      this.#raw.pragma('optimize = 0x10002')
    } catch {
      // the next check tries again
    }
  }

  close(): void {
    clearInterval(this.#timer)
    this.optimize()
  }
}
