import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { checkSqliteVersion, requireSqliteVersion } from './sqlite-version'

describe('the SQLite version the store needs', () => {
  it('accepts 3.44.0 and newer, refuses older with what to do', () => {
    for (const ok of ['3.44.0', '3.44.1', '3.53.2', '3.100.0', '4.0.0']) checkSqliteVersion(ok)
    for (const old of ['3.43.2', '3.35.5', '2.99.99'])
      expect(() => checkSqliteVersion(old)).toThrow(/needs SQLite 3\.44\.0 or newer.*uses/)
  })

  it('holds for the SQLite better-sqlite3 bundles', () => {
    const db = new Database(':memory:')
    expect(() => requireSqliteVersion(db)).not.toThrow()
    db.close()
  })
})
