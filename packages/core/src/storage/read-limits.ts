/**
 * Whether the slow read statements that run in one turn of the event loop (those a store
 * bounds by its `queryTimeoutMs`) share one time limit, counted from the start of the first
 * of them, instead of each having its own. A store that runs statements on the server's
 * thread (SQLite) bounds what holds the thread that way: a GraphQL document with 80 aliases
 * of a slow list would otherwise hold it for 80 limits. A statement that finds the turn's
 * limit spent by others is refused with `StoreBusyError`. A server turns this on
 * (`createServer` does); a script leaves it off, since its loop of reads, one turn long, is
 * its own to run.
 */
let shared = false

/** Make read statements of one turn of the event loop share one time limit, from now on. */
export function shareReadLimitPerTurn(): void {
  shared = true
}

/** Whether they do (see shareReadLimitPerTurn). */
export function readLimitSharedPerTurn(): boolean {
  return shared
}
