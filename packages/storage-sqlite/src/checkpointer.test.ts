import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CheckpointTrace, Checkpointer } from './checkpointer'

describe('Checkpointer', () => {
  let dir: string
  let file: string
  let writer: Database.Database
  let own: Database.Database
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-checkpointer-'))
    file = join(dir, 'data.db')
    writer = new Database(file)
    writer.pragma('journal_mode = WAL')
    writer.pragma('wal_autocheckpoint = 0') // only the checkpointer copies frames
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
    own = new Database(file)
  })
  afterEach(() => {
    own.close()
    writer.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const write = (rows: number) => {
    const insert = writer.prepare('INSERT INTO t (v) VALUES (?)')
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000))
  }
  const logFrames = () =>
    (writer.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log

  it('asks the slow-read thread to pause while a long log waits for a restart', () => {
    // Found by review: back-to-back slow reads in the worker always held a snapshot, so the
    // log was never copied whole, never restarted, and grew without end.
    const pauseReaders = new Int32Array(new SharedArrayBuffer(4))
    const c = new Checkpointer(own, { restartFrames: 10, busyTimeoutMs: 10, pauseReaders })
    const reader = new Database(file)
    try {
      reader.exec('BEGIN')
      reader.prepare('SELECT count(*) FROM t').get() // a snapshot before the writes
      write(30)
      c.tick()
      expect(Atomics.load(pauseReaders, 0)).toBe(1) // long, and not all of it copied
      reader.exec('COMMIT') // the paused thread's read ends; it starts no other
      write(1)
      c.tick()
      expect(Atomics.load(pauseReaders, 0)).toBe(0) // copied whole and restarted
    } finally {
      reader.close()
    }
  })

  it('copies the log, restarts a long one, and empties it once idle, once per idle spell', () => {
    const trace: CheckpointTrace[] = []
    const c = new Checkpointer(own, { restartFrames: 50, busyTimeoutMs: 100, trace })
    write(100)
    c.tick()
    expect(trace.map((t) => t[2])).toContain('RESTART')
    // After a restart the next commit writes from the start of the log again.
    write(1)
    expect(logFrames()).toBeLessThan(10)
    trace.length = 0
    c.tick() // commits since the last tick: not idle, a short log stays
    expect(trace.map((t) => t[2])).toEqual(['PASSIVE'])
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0)
    c.tick() // nothing committed for a whole tick
    expect(trace.map((t) => t[2])).toEqual(['PASSIVE', 'PASSIVE', 'TRUNCATE'])
    expect(statSync(`${file}-wal`).size).toBe(0)
    c.tick()
    expect(trace.filter((t) => t[2] === 'TRUNCATE')).toHaveLength(1)
  })

  it('neither restarts nor waits while a reader keeps an old snapshot', () => {
    const trace: CheckpointTrace[] = []
    const c = new Checkpointer(own, { restartFrames: 50, busyTimeoutMs: 100, trace })
    const reader = new Database(file)
    try {
      reader.exec('BEGIN')
      reader.prepare('SELECT count(*) FROM t').get() // holds its snapshot
      write(100)
      c.tick()
      c.tick() // idle now, but the log cannot be copied past the reader's snapshot
      expect(trace.map((t) => t[2])).toEqual(['PASSIVE', 'PASSIVE'])
      reader.exec('COMMIT')
      write(1)
      c.tick()
      c.tick()
      expect(trace.map((t) => t[2])).toContain('TRUNCATE')
    } finally {
      reader.close()
    }
  })

  it('keeps going after a failed checkpoint', () => {
    const c = new Checkpointer(own, { restartFrames: 50, busyTimeoutMs: 0 })
    writer.exec('BEGIN EXCLUSIVE') // the worker's connection cannot even read now
    expect(() => c.tick()).not.toThrow()
    writer.exec('COMMIT')
    write(10)
    c.tick()
    c.tick()
    expect(statSync(`${file}-wal`).size).toBe(0)
  })

  it('refuses a restart length that is not a positive integer', () => {
    expect(() => new Checkpointer(own, { restartFrames: 0, busyTimeoutMs: 100 })).toThrow(
      /restartFrames must be a positive integer, got 0/,
    )
  })
})
