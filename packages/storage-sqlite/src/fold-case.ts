/**
 * The SQL function `galley_fold(text)`: `foldText` of @galley/core (JavaScript's
 * toLowerCase, every sigma σ), copied into a module of its own so that the slow-read thread
 * does not load @galley/core for it; a test holds the two equal.
 */
export function foldCase(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const lower = value.toLowerCase()
  return lower.includes('ς') ? lower.replaceAll('ς', 'σ') : lower
}
