import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CommitWatch } from './commit-watch'

describe('CommitWatch', () => {
  it('sees every commit of another connection, and says unchanged otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-watch-'))
    const file = join(dir, 'data.db')
    const a = new Database(file)
    a.pragma('journal_mode = WAL')
    a.exec('CREATE TABLE t (x)')
    const b = new Database(file)
    const watch = new CommitWatch(a, file)
    try {
      expect(watch.source).toBe('wal-index')
      watch.changed() // first look
      expect(watch.changed()).toBe(false)
      for (let i = 0; i < 50; i++) {
        b.prepare('INSERT INTO t VALUES (?)').run(i)
        expect(watch.changed()).toBe(true)
        expect(watch.changed()).toBe(false)
        a.prepare('SELECT count(*) FROM t').get() // reads change nothing
        expect(watch.changed()).toBe(false)
      }
      // a restarted log (checkpoint, then the next writer starts over) still counts as a change
      b.pragma('wal_checkpoint(RESTART)')
      b.prepare('INSERT INTO t VALUES (?)').run(-1)
      expect(watch.changed()).toBe(true)
      expect(watch.changed()).toBe(false)
    } finally {
      watch.close()
      a.close()
      b.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('falls back to PRAGMA data_version where there is no WAL index (:memory:)', () => {
    const db = new Database(':memory:')
    const watch = new CommitWatch(db, ':memory:')
    expect(watch.source).toBe('data_version')
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    expect(watch.changed()).toBe(false) // its own commits are not "another connection's"
    watch.close()
    db.close()
  })
})
