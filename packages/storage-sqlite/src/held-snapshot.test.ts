import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { ReadCache } from './read-cache'
import { sqlite } from './sqlite-store'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('reads hold a snapshot between them until the next turn [sqlite]', () => {
  let dir: string
  let file: string
  let raw: Database.Database
  let other: Database.Database
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-held-'))
    file = join(dir, 'data.db')
    raw = new Database(file)
    raw.pragma('journal_mode = WAL')
    raw.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    other = new Database(file)
  })
  afterEach(() => {
    other.close()
    raw.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const sum = 'SELECT sum(x) AS s FROM t'

  for (const maxBytes of [0, 1 << 20]) {
    it(`sees every commit of another connection on the very next read, in the same turn (cache ${maxBytes ? 'on' : 'off'})`, () => {
      const reads = new ReadCache(raw, file, (text) => raw.prepare(text), maxBytes)
      try {
        expect(reads.read(sum, [])).toEqual([{ s: 1 }])
        expect(raw.inTransaction).toBe(true) // held
        for (let i = 2; i <= 20; i++) {
          other.prepare('INSERT INTO t VALUES (?)').run(i)
          expect(reads.read(sum, [])).toEqual([{ s: (i * (i + 1)) / 2 }])
        }
      } finally {
        reads.close()
      }
    })
  }

  it('lets the snapshot go when the event loop turns, and after a thousand reads in one turn', async () => {
    const reads = new ReadCache(raw, file, (text) => raw.prepare(text), 0)
    try {
      reads.read(sum, [])
      expect(raw.inTransaction).toBe(true)
      // While it is held, the log cannot be restarted; once the turn is over, it can.
      other.exec('INSERT INTO t VALUES (2)')
      expect(reads.read(sum, [])).toEqual([{ s: 3 }])
      other.pragma('busy_timeout = 0')
      expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([
        { busy: 1, log: expect.any(Number), checkpointed: expect.any(Number) },
      ])
      await nextTurn()
      expect(raw.inTransaction).toBe(false)
      expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([
        { busy: 0, log: 0, checkpointed: 0 },
      ])
      // A loop that never yields: the snapshot is let go every thousand reads, and by the
      // first read after 2 ms, answered from the cache or not.
      const counting = new ReadCache(raw, file, (text) => raw.prepare(text), 1 << 20)
      let begins = 0
      const begin = raw.prepare('BEGIN')
      const run = begin.run
      const proto = Object.getPrototypeOf(begin) as { run: typeof run }
      proto.run = function (this: Database.Statement, ...a: unknown[]) {
        if (this.source === 'BEGIN') begins++
        return run.apply(this, a as [])
      }
      try {
        for (let i = 0; i < 2500; i++) counting.read(sum, [])
        // One statement, then hits: they count too, and let it go (a hit opens nothing).
        expect(begins).toBe(1)
        expect(raw.inTransaction).toBe(false)
        begins = 0
        counting.release()
        counting.read('SELECT count(*) AS n FROM t', [])
        const until = performance.now() + 3
        // Hits for 3 ms, the last one begun after them (a pause of the thread before the
        // loop would otherwise leave it without any).
        let at: number
        do {
          at = performance.now()
          counting.read(sum, [])
        } while (at < until)
        expect(raw.inTransaction).toBe(false)
        counting.read('SELECT max(x) AS m FROM t', []) // a statement again: a new snapshot
        expect(begins).toBe(2)
      } finally {
        proto.run = run
        counting.close()
      }
    } finally {
      reads.close()
    }
  })

  it('holds nothing where there is no WAL index (:memory:)', () => {
    const memory = new Database(':memory:')
    memory.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    const reads = new ReadCache(memory, ':memory:', (text) => memory.prepare(text), 0)
    expect(reads.read(sum, [])).toEqual([{ s: 1 }])
    expect(memory.inTransaction).toBe(false)
    expect(reads.together((r) => r(sum, []))).toEqual([{ s: 1 }])
    expect(memory.inTransaction).toBe(false)
    reads.close()
    memory.close()
  })

  it('the store lets it go for its writes, its Kysely statements and its close, in the same turn', async () => {
    const g = await createGalley({
      storage: sqlite({ file: join(dir, 'store.db'), readCache: false }),
      collections: [
        { slug: 'items', versions: { drafts: true }, fields: [{ name: 'n', type: 'number' }] },
      ],
    })
    const doc = await g.create({ collection: 'items', data: { n: 1 } })
    // Read, write, read, publish, count: never waiting for a turn between them.
    for (let i = 0; i < 20; i++) {
      expect((await g.findById({ collection: 'items', id: doc.id, draft: true }))?.n).toBe(i + 1)
      await g.update({ collection: 'items', id: doc.id, data: { n: i + 2 }, draft: true })
    }
    await g.publish({ collection: 'items', id: doc.id })
    expect((await g.findById({ collection: 'items', id: doc.id }))?.n).toBe(21)
    await g.transaction(async (t) => {
      await t.update({ collection: 'items', id: doc.id, data: { n: 22 } })
    })
    expect((await g.find({ collection: 'items', where: { n: { equals: 22 } } })).totalDocs).toBe(1)
    await g.close()
  })
})
