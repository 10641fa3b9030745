import type Database from 'better-sqlite3'
import { ConfigError } from '@galley/core'

/** The oldest SQLite the store's statements run on: concat_ws (reads) came in 3.44.0. */
const MIN_SQLITE = [3, 44, 0]

/**
 * better-sqlite3 bundles a recent SQLite, but it can be built against another (SQLCipher,
 * `--sqlite3=`): one too old would fail every read with "no such function", so opening
 * says so first.
 */
export function requireSqliteVersion(raw: Database.Database): void {
  checkSqliteVersion(String(raw.prepare('SELECT sqlite_version()').pluck().get()))
}

/** Throws a ConfigError for a SQLite version (`3.44.0`) older than the store needs. */
export function checkSqliteVersion(version: string): void {
  const parts = version.split('.').map(Number)
  for (let i = 0; i < MIN_SQLITE.length; i++) {
    const have = parts[i] ?? 0
    if (have > MIN_SQLITE[i]!) return
    if (have < MIN_SQLITE[i]!)
      throw new ConfigError(
        `Galley's SQLite store needs SQLite ${MIN_SQLITE.join('.')} or newer; this better-sqlite3 uses ${version}. Install better-sqlite3 with its bundled SQLite (the default build).`,
      )
  }
}
