import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { extensionForTests } from './extension-for-tests'
import { fineBusyTimeout } from './wal-batch'

const loaded = extensionForTests('busy-wait')

const dir = mkdtempSync(join(tmpdir(), 'galley-busy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

function database(): string {
  const file = join(dir, `db${n++}.db`)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (v INTEGER)')
  db.close()
  return file
}

/**
 * Another thread holds the write lock for `holdMs`, then commits. Resolves once it holds the
 * lock; `released()` is then when it began to commit (ms since the epoch), so when the lock
 * became free, give or take the commit of one row.
 */
function holdWriteLock(
  file: string,
  holdMs: number,
): Promise<{ released: () => number; done: Promise<void> }> {
  const shared = new Float64Array(new SharedArrayBuffer(8))
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads')
     const Database = require(workerData.driver)
     const db = new Database(workerData.file)
     db.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (1)')
     parentPort.postMessage('locked')
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs)
     workerData.shared[0] = performance.timeOrigin + performance.now() // the lock goes during COMMIT
     db.exec('COMMIT')
     db.close()`,
    {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        holdMs,
        shared,
      },
    },
  )
  const done = new Promise<void>((resolve, reject) => {
    worker.once('exit', () => resolve())
    worker.once('error', reject)
  })
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve({ released: () => shared[0]!, done }))
    worker.once('error', reject)
  })
}

/** How long after the other thread's release `db` got the write lock, in ms. */
async function lateness(db: Database.Database, file: string, holdMs: number): Promise<number> {
  const holder = await holdWriteLock(file, holdMs)
  db.exec('BEGIN IMMEDIATE') // blocks this thread in the busy handler until the lock is free
  const acquired = performance.timeOrigin + performance.now()
  db.exec('ROLLBACK')
  await holder.done
  expect(acquired).toBeGreaterThanOrEqual(holder.released())
  return acquired - holder.released()
}

describe.runIf(loaded)('fine-grained busy wait (native/busy-wait.c)', () => {
  it('takes a lock within a few ms of its release, where SQLite’s own handler oversleeps', async () => {
    const file = database()
    const fine = new Database(file)
    expect(fineBusyTimeout(fine, 5000)).toBe(true)
    const plain = new Database(file)
    plain.pragma('busy_timeout = 5000')
    // Held 20 ms: SQLite's handler sleeps 1, 2, 5, 10, 15 ms and comes back at 33 ms.
    const late = { fine: [] as number[], plain: [] as number[] }
    for (let i = 0; i < 3; i++) {
      late.fine.push(await lateness(fine, file, 20))
      late.plain.push(await lateness(plain, file, 20))
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!
    expect(median(late.fine)).toBeLessThan(4)
    expect(median(late.plain)).toBeGreaterThan(median(late.fine))
    fine.close()
    plain.close()
  })

  it('gives up with SQLITE_BUSY after its timeout, in real time', async () => {
    const file = database()
    const db = new Database(file)
    fineBusyTimeout(db, 60)
    const holder = await holdWriteLock(file, 600)
    const start = performance.now()
    expect(() => db.exec('BEGIN IMMEDIATE')).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY' }),
    )
    const waited = performance.now() - start
    expect(waited).toBeGreaterThanOrEqual(59)
    expect(waited).toBeLessThan(400)
    await holder.done
    db.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT') // the connection is fine afterwards
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2)
    db.close()
  })

  it('with 0, does not wait at all; a later busy_timeout pragma replaces it', async () => {
    const file = database()
    const db = new Database(file)
    db.prepare('SELECT galley_busy_timeout(0)').get()
    let holder = await holdWriteLock(file, 200)
    const start = performance.now()
    expect(() => db.exec('BEGIN IMMEDIATE')).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY' }),
    )
    expect(performance.now() - start).toBeLessThan(100)
    await holder.done
    fineBusyTimeout(db, 5000)
    db.pragma('busy_timeout = 5000')
    holder = await holdWriteLock(file, 20)
    db.exec('BEGIN IMMEDIATE') // SQLite's handler now: waits, then gets it
    db.exec('ROLLBACK')
    await holder.done
    db.close()
  })

  it('refuses a timeout that is not an integer, and caps a huge one instead of overflowing', async () => {
    const file = database()
    const db = new Database(file)
    expect(() => db.prepare('SELECT galley_busy_timeout(?)').get('abc')).toThrow(
      /must be a whole number/,
    )
    expect(() => db.prepare('SELECT galley_busy_timeout(1.5)').get()).toThrow(
      /must be a whole number/,
    )
    expect(
      db
        .prepare('SELECT galley_busy_timeout(?)')
        .pluck()
        .get(10n ** 13n),
    ).toBe(2147483647)
    expect(db.prepare('SELECT galley_busy_timeout(?)').pluck().get(1e300)).toBe(2147483647)
    expect(db.prepare('SELECT galley_busy_timeout(?)').pluck().get(250)).toBe(250) // a JS number is a REAL
    const holder = await holdWriteLock(file, 40)
    db.exec('BEGIN IMMEDIATE') // waits for the holder instead of giving up at once
    db.exec('ROLLBACK')
    await holder.done
    db.close()
  })
})
