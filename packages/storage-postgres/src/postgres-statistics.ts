import { type Kysely, sql } from 'kysely'

/** Rows changed before the first check, then between checks. */
const FIRST_CHECK = 100
const CHECK_EVERY = 1000
/** The tables analysed, in the order every ANALYZE of ours takes their locks. */
const TABLES = ['galley_heads', 'galley_revisions']

/**
 * Gathers planner statistics soon after large changes instead of waiting for autovacuum
 * (up to a minute, and never where it is off). Without statistics PostgreSQL guesses every
 * equality alike, and a find by a field index then tied with walking the whole collection
 * through the list index, and often lost. Every `CHECK_EVERY` rows this store changed, the
 * tables never analysed, or changed by more than a tenth since, are analysed on a pooled
 * connection; writers do not wait for it, and ANALYZE blocks neither reads nor writes.
 */
export class PostgresStatistics {
  readonly #db: Kysely<any>
  #changes = 0
  #nextCheck = FIRST_CHECK
  #running: Promise<void> | undefined

  constructor(db: Kysely<any>) {
    this.#db = db
  }

  /** Told after each commit how many rows it changed. */
  changed(rows: number): void {
    this.#changes += rows
    if (this.#changes < this.#nextCheck || this.#running) return
    this.#nextCheck = this.#changes + CHECK_EVERY
    this.#running = this.analyseStale()
      .catch(() => {}) // statistics wait for the next check (or autovacuum)
      .finally(() => (this.#running = undefined))
  }

  /** Analyse the tables whose statistics are missing or stale; resolves when done. */
  async analyseStale(): Promise<void> {
    const { rows } = await sql<{ relname: string }>`
      SELECT s.relname FROM pg_stat_user_tables s
      WHERE s.schemaname = current_schema() AND s.relname IN (${sql.join(TABLES)})
        AND (COALESCE(s.last_analyze, s.last_autoanalyze) IS NULL
          OR s.n_mod_since_analyze > 50 + s.n_live_tup / 10)`.execute(this.#db)
    if (rows.length === 0) return
    // Always in TABLES order, as every other ANALYZE of ours (explainResolved): two transactions
    // analysing the same tables in opposite orders deadlock.
    const stale = TABLES.filter((t) => rows.some((r) => r.relname === t))
    // Waits at most a second for a lock (a running VACUUM, a migration): the next check retries.
    // Not bounded by the store's statement limit: sampling a large table may take longer,
    // and statistics that never finish would leave the planner guessing for good.
    await this.#db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = 1000`.execute(trx)
      await sql`SET LOCAL statement_timeout = 0`.execute(trx)
      for (const relname of stale) await sql`ANALYZE ${sql.id(relname)}`.execute(trx)
    })
  }

  /** Wait for an analysis under way (before the pool closes). */
  async close(): Promise<void> {
    await this.#running
  }
}
