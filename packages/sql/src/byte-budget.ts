import { ConfigError } from '@galley/core'

/**
 * The byte budget a cache option asks for: `undefined` its default, `false` none, else an
 * object of `maxBytes` only (a non-negative number). Anything else is a `ConfigError` naming
 * `option`: `0`, `true`, `1024` or `'off'` would otherwise pass as the default, though each
 * reads as something else ("off", a number of bytes), and so would a misspelt key.
 */
export function byteBudget(value: unknown, option: string, defaultBytes: number): number {
  if (value === undefined) return defaultBytes
  if (value === false) return 0
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(
      `${option}: expected { maxBytes } or false, got ${Array.isArray(value) ? 'an array' : shown(value)}.`,
    )
  const unknown = Object.keys(value).filter((k) => k !== 'maxBytes')
  if (unknown.length > 0)
    throw new ConfigError(
      `${option}: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; the one option is maxBytes.`,
    )
  // Its own property only: one inherited through a prototype is not what was written.
  const max = Object.hasOwn(value, 'maxBytes')
    ? (value as { maxBytes?: unknown }).maxBytes
    : undefined
  if (max === undefined) return defaultBytes
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0)
    throw new ConfigError(
      `${option}: maxBytes must be a non-negative number of bytes (or false to turn it off), got ${shown(max)}.`,
    )
  return max
}

/** A value as an error shows it: strings quoted, so that '1024' is not read as 1024. */
function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v)
}
