import type Database from 'better-sqlite3'
import { ConfigError, QueryTimeoutError } from '@galley/core'
import { readLimitSharedPerTurn } from '@galley/core/storage'

/** How long a statement that reads content row by row may run by default (ms). */
export const DEFAULT_QUERY_TIMEOUT_MS = 5000

/** The `queryTimeoutMs` option as a number of milliseconds (Infinity: no limit). */
export function queryTimeoutOf(option: number | false | undefined): number {
  if (option === false) return Infinity
  const ms = option ?? DEFAULT_QUERY_TIMEOUT_MS
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) {
    throw new ConfigError(
      `sqlite({ queryTimeoutMs }) must be a whole number of milliseconds from 1 to 2147483647, or false for no limit; got ${String(option)}.`,
    )
  }
  return ms
}

/**
 * The time limit of statements that read content row by row (filters and sorts on fields
 * that are not indexed). better-sqlite3 runs a statement on the event loop's thread until
 * it ends, and has no way to interrupt one, so such a filter over a large collection would
 * hold every other request for as long as it runs. The where compiler puts
 * `galley_deadline()` first in the filter of those statements (`SqlDialect.rowDeadline`):
 * SQLite calls it for one row in 8 (drawn at random), and once the statement has run past its limit
 * the call throws, which stops the statement (statements answered from the keys never call
 * it). `start()` runs as each statement is prepared for a run.
 */
export class StatementDeadline {
  #deadline = Infinity

  constructor(
    raw: Database.Database,
    private readonly limitMs: number,
  ) {
    // Not deterministic, so SQLite calls it for every row instead of once; direct only, so
    // no trigger or view in the file can call it.
    raw.function('galley_deadline', { deterministic: false, directOnly: true }, () => {
      if (performance.now() <= this.#deadline) return 1
      throw new QueryTimeoutError(
        `This read was stopped at the ${this.limitMs} ms limit for reads (in a server, the reads of a request that run without a pause share it): its filter or sort tests every document it considers, reading a field that is not indexed or matching text patterns. Give the field an index (index: true), narrow the filter with an indexed field, or raise sqlite({ queryTimeoutMs }).`,
      )
    })
  }

  /**
   * A statement is about to run: its time starts now. In a server (see
   * `shareReadLimitPerTurn` in @galley/core) the statements that run in one turn of the
   * event loop share one limit, counted from the first of them: together they hold the
   * thread.
   */
  start(): void {
    if (this.limitMs === Infinity) return
    const now = performance.now()
    this.#deadline = now + this.limitMs
    if (!readLimitSharedPerTurn()) return
    if (this.#turnStartedAt === undefined) {
      this.#turnStartedAt = now
      setImmediate(this.#endTurn)
    } else this.#deadline = Math.min(this.#deadline, this.#turnStartedAt + this.limitMs)
  }

  /** When the first statement of this turn of the event loop started, if one did. */
  #turnStartedAt: number | undefined
  /** The thread turned to other work: the next statements start a new limit. */
  readonly #endTurn = () => {
    this.#turnStartedAt = undefined
  }
}
