import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PlannerStatistics } from './planner-statistics'

describe('PlannerStatistics', () => {
  let dir: string
  let db: Database.Database
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-stats-'))
    db = new Database(join(dir, 'data.db'), { timeout: 5000 })
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (c TEXT, k TEXT); CREATE INDEX t_k ON t (c, k)')
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const insert = (n: number) => {
    const stmt = db.prepare("INSERT INTO t VALUES ('x', ?)")
    db.transaction(() => {
      for (let i = 0; i < n; i++) stmt.run(`k${Math.random()}`)
    })()
  }
  const analysed = () =>
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get() as {
      n: number
    }

  it('analyses a table that grew from nothing once enough rows changed', () => {
    const stats = new PlannerStatistics(db, 5000)
    insert(50)
    stats.changed(50)
    expect(analysed().n).toBe(0) // below the first check
    insert(60)
    stats.changed(60)
    expect(db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 't_k'").pluck().get()).toMatch(
      /^110 /,
    )
    stats.close()
  })

  it('neither waits for nor fails on a write lock another connection holds, and keeps the busy timeout', () => {
    const stats = new PlannerStatistics(db, 5000)
    insert(200)
    const other = new Database(join(dir, 'data.db'))
    try {
      other.exec('BEGIN IMMEDIATE')
      const start = performance.now()
      expect(() => stats.changed(200)).not.toThrow()
      expect(performance.now() - start).toBeLessThan(1000)
      expect(analysed().n).toBe(0)
      other.exec('COMMIT')
      stats.optimize()
      expect(analysed().n).toBe(1)
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    } finally {
      other.close()
      stats.close()
    }
  })

  const samples = () => {
    const table = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat4'")
      .pluck()
      .get()
    return table ? (db.prepare('SELECT count(*) FROM sqlite_stat4').pluck().get() as number) : 0
  }

  it('keeps the row counts but no samples, which would make SQLite re-plan lookups on every run', () => {
    const stats = new PlannerStatistics(db, 5000)
    insert(500)
    stats.changed(500)
    expect(db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 't_k'").pluck().get()).toMatch(
      /^500 /,
    )
    expect(samples()).toBe(0)
    // Samples another connection wrote (a user's ANALYZE) go at the next check.
    const other = new Database(join(dir, 'data.db'))
    other.exec('ANALYZE')
    other.close()
    expect(samples()).toBeGreaterThan(0)
    stats.optimize()
    expect(samples()).toBe(0)
    expect(db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 't_k'").pluck().get()).toMatch(
      /^500 /,
    )
    stats.close()
  })
})
