import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCheckpointWorker } from './checkpoint-worker'

describe('checkpoint worker', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-checkpoint-worker-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('runs its typed module in a thread: copies and empties the log of another connection, then stops', async () => {
    const file = join(dir, 'data.db')
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('wal_autocheckpoint = 0')
    db.exec('CREATE TABLE t (v TEXT)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000))
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(200_000)
    const errors: Error[] = []
    const worker = startCheckpointWorker(file, {
      intervalMs: 20,
      restartFrames: 100,
      onError: (err) => errors.push(err),
    })
    try {
      const until = Date.now() + 10_000
      while (statSync(`${file}-wal`).size > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20))
      expect(statSync(`${file}-wal`).size).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await worker.stop()
      db.close()
    }
    expect(worker.thread.threadId).toBe(-1) // the thread has ended
  })

  it('reports a thread that could not open the database, and stop() still returns', async () => {
    const notAFile = join(dir, 'a-directory')
    mkdirSync(notAFile)
    const errors: Error[] = []
    const worker = startCheckpointWorker(notAFile, {
      intervalMs: 20,
      restartFrames: 100,
      onError: (err) => errors.push(err),
    })
    const until = Date.now() + 10_000
    while (errors.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    expect(errors[0]?.message).toMatch(/directory|unable to open/i)
    await worker.stop()
  })

  it('runs under tsx too (npm run dev): the thread empties the log of a process started with --import tsx', async () => {
    const file = join(dir, 'data.db')
    // Inside the package so the relative import resolves; .mts for top-level await.
    const script = join(import.meta.dirname, `.worker-test-${process.pid}.tmp.mts`)
    writeFileSync(
      script,
      `import Database from 'better-sqlite3'
       import { statSync } from 'node:fs'
       import { startCheckpointWorker } from './checkpoint-worker'
       const db = new Database(${JSON.stringify(file)})
       db.pragma('journal_mode = WAL')
       db.pragma('wal_autocheckpoint = 0')
       db.exec('CREATE TABLE t (v TEXT)')
       for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(1000))
       const worker = startCheckpointWorker(${JSON.stringify(file)}, { intervalMs: 20, restartFrames: 50, onError: (e) => console.log('error: ' + e.message) })
       const until = Date.now() + 10000
       while (statSync(${JSON.stringify(`${file}-wal`)}).size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
       console.log('wal ' + statSync(${JSON.stringify(`${file}-wal`)}).size)
       await worker.stop()
       db.close()`,
    )
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: process.cwd(),
        timeout: 20_000,
      })
      expect(stdout.trim()).toBe('wal 0')
    } finally {
      rmSync(script, { force: true })
    }
  })
})
