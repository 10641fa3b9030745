import { ConfigError } from '@galley/core'

/** How long a bounded statement may run by default (ms), on both stores. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5000

/**
 * A store's `queryTimeoutMs` option as a number of milliseconds (Infinity: no limit).
 * `store` names the option in the error (`sqlite({ queryTimeoutMs })`).
 */
export function queryTimeoutOf(option: number | false | undefined, store: string): number {
  if (option === false) return Infinity
  const ms = option ?? DEFAULT_QUERY_TIMEOUT_MS
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) {
    throw new ConfigError(
      `${store}({ queryTimeoutMs }) must be a whole number of milliseconds from 1 to 2147483647, or false for no limit; got ${String(option)}.`,
    )
  }
  return ms
}
