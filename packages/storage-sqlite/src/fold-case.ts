/**
 * The SQL function `galley_fold(text)`: JavaScript's toLowerCase (see `fold` in
 * sqlite-dialect.ts). A module of its own, so the slow-read thread loads no more than it.
 */
export function foldCase(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value
}
