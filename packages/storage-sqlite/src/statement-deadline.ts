import type Database from 'better-sqlite3'
import { QueryTimeoutError, StoreBusyError } from '@galley/core'
import { readLimitSharedPerTurn } from '@galley/core/storage'
import { timeoutMessage } from './timeout-message'

/**
 * The time limit of statements whose time grows with the collection (filters and sorts on
 * fields that are not indexed, text patterns, many conditions). better-sqlite3 runs a
 * statement on the event loop's thread until it ends, and has no way to interrupt one, so
 * such a filter over a large collection would hold every other request for as long as it
 * runs. The where compiler puts `galley_deadline()` first in the filter of those
 * statements (`SqlDialect.rowDeadline`): SQLite calls it for one row in 8 (drawn at
 * random), and once the statement has run past its limit the call throws, which stops the
 * statement. `start()` runs as each statement is prepared for a run.
 *
 * In a server (`shareReadLimitPerTurn` in @galley/core) such statements that run in one
 * turn of the event loop also share one limit, counted from the start of the first of them
 * (whatever runs after it in that turn counts too): together they hold the thread, as one
 * GraphQL document with many aliases of a slow list does. Node handles every request
 * already waiting in one turn, so one request's statement may find the turn's limit spent
 * by others: that is `StoreBusyError` (try again), not its own filter's fault.
 */
export class StatementDeadline {
  /** When the statement now running started (`start()`). */
  #started = 0
  /** When the first bounded statement of this turn started, if one has called in. */
  #turnStartedAt: number | undefined

  constructor(
    raw: Database.Database,
    private readonly limitMs: number,
  ) {
    // Not deterministic, so SQLite calls it for every row instead of once; direct only, so
    // no trigger or view in the file can call it.
    raw.function('galley_deadline', { deterministic: false, directOnly: true }, () => {
      if (this.limitMs === Infinity) return 1
      const now = performance.now()
      if (now - this.#started > this.limitMs)
        throw new QueryTimeoutError(timeoutMessage(this.limitMs))
      if (!readLimitSharedPerTurn()) return 1
      if (this.#turnStartedAt === undefined) {
        this.#turnStartedAt = this.#started
        setImmediate(this.#endTurn)
      } else if (now - this.#turnStartedAt > this.limitMs)
        throw new StoreBusyError(
          `The server has spent its ${this.limitMs} ms limit for slow reads in a row (filters that test every document) on other reads just before this one, so this one was stopped. Try again shortly; if it lasts, give the fields those filters read an index (index: true).`,
        )
      return 1
    })
  }

  /** A statement is about to run: its time starts now. */
  start(): void {
    if (this.limitMs !== Infinity) this.#started = performance.now()
  }

  /** The thread turned to other work: the next bounded statement starts a new limit. */
  readonly #endTurn = () => {
    this.#turnStartedAt = undefined
  }
}
