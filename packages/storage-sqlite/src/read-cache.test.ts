import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley, type Galley } from '@galley/core'
import { ReadCache } from './read-cache'
import { sqlite } from './sqlite-store'

const collections = [
  {
    slug: 'posts',
    versions: { drafts: true },
    fields: [
      { name: 'title', type: 'text' as const },
      { name: 'tags', type: 'json' as const },
    ],
  },
]

describe('read cache', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-reads-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const open = (options: Parameters<typeof sqlite>[0] = { file: join(dir, 'data.db') }) =>
    createGalley({ storage: sqlite(options), collections })

  it('sees a commit of another process or connection on the very next read (PRAGMA data_version)', async () => {
    const a = await open()
    const b = await open()
    try {
      const doc = await a.create({ collection: 'posts', data: { title: 'one' } })
      const read = async (g: Galley) =>
        (await g.findById({ collection: 'posts', id: doc.id }))?.title
      const find = async (g: Galley) =>
        (await g.find({ collection: 'posts', where: { title: { equals: 'two' } } })).totalDocs
      expect([await read(a), await read(a), await find(a)]).toEqual(['one', 'one', 0]) // cached now
      await b.update({ collection: 'posts', id: doc.id, data: { title: 'two' } })
      expect([await read(a), await find(a)]).toEqual(['two', 1])
      await b.delete({ collection: 'posts', id: doc.id })
      expect(await read(a)).toBeUndefined()
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('drops its results when this store commits, and keeps them when a transaction rolls back', async () => {
    const g = await open()
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one' } })
      await g.findById({ collection: 'posts', id: doc.id })
      await g.update({ collection: 'posts', id: doc.id, data: { title: 'draft' }, draft: true })
      expect((await g.findById({ collection: 'posts', id: doc.id, draft: true }))?.title).toBe(
        'draft',
      )
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.title).toBe('one')
      await expect(
        g.transaction(async (t) => {
          await t.publish({ collection: 'posts', id: doc.id })
          throw new Error('changed my mind')
        }),
      ).rejects.toThrow('changed my mind')
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.title).toBe('one')
      await g.publish({ collection: 'posts', id: doc.id })
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.title).toBe('draft')
    } finally {
      await g.close()
    }
  })

  it('a read outside a running transaction waits for it and never sees its uncommitted writes', async () => {
    const g = await open()
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one' } })
      await g.findById({ collection: 'posts', id: doc.id })
      let release!: () => void
      const gate = new Promise<void>((r) => (release = r))
      const tx = g.transaction(async (t) => {
        await t.update({ collection: 'posts', id: doc.id, data: { title: 'inside' } })
        await gate
        throw new Error('rolled back')
      })
      await new Promise((r) => setTimeout(r, 10))
      const outside = g.findById({ collection: 'posts', id: doc.id })
      release()
      await expect(tx).rejects.toThrow('rolled back')
      expect((await outside)?.title).toBe('one')
    } finally {
      await g.close()
    }
  })

  it('hands out fresh objects: changing a returned document does not change the next read', async () => {
    const g = await open()
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one', tags: ['a'] } })
      const first = await g.findById({ collection: 'posts', id: doc.id })
      ;(first!.tags as string[]).push('mutated')
      first!.title = 'mutated'
      const again = await g.findById({ collection: 'posts', id: doc.id })
      expect([again?.title, again?.tags]).toEqual(['one', ['a']])
    } finally {
      await g.close()
    }
  })

  it('rejects a readCache that is not false or { maxBytes }, naming the option', () => {
    expect(() => sqlite({ file: ':memory:', readCache: { maxBytes: -1 } })).toThrow(
      /sqlite\(\{ readCache \}\): maxBytes must be a non-negative number/,
    )
    expect(() =>
      sqlite({ file: ':memory:', readCache: { maxBytes: '64mb' as unknown as number } }),
    ).toThrow(/got "64mb"/)
    // Found by review: these passed as the 64 MiB default.
    for (const bad of [true, 0, 1024, null, 'off'])
      expect(() => sqlite({ file: ':memory:', readCache: bad as never }), String(bad)).toThrow(
        /sqlite\(\{ readCache \}\): expected \{ maxBytes \} or false/,
      )
    expect(() => sqlite({ file: ':memory:', readCache: { maxbytes: 1 } as never })).toThrow(
      /unknown option 'maxbytes'/,
    )
  })

  it('stays within maxBytes, tells 1 from "1", and declines inside a transaction', () => {
    const raw = new Database(join(dir, 'raw.db'))
    raw.pragma('journal_mode = WAL')
    raw.exec("CREATE TABLE t (k, v); INSERT INTO t VALUES (1, 'number'), ('1', 'text')")
    for (let i = 0; i < 200; i++)
      raw.prepare('INSERT INTO t VALUES (?, ?)').run(`k${i}`, 'x'.repeat(500))
    // A snapshot held for 10 s, not 2 ms: under load the reads below take longer than that,
    // and a cache hit past the time lets the snapshot go without opening another.
    const reads = new ReadCache(
      raw,
      join(dir, 'raw.db'),
      (s) => raw.prepare(s),
      32 * 1024,
      undefined,
      10_000,
    )
    const q = 'SELECT v FROM t WHERE k = ?'
    expect(reads.read(q, [1])).toEqual([{ v: 'number' }])
    expect(reads.read(q, ['1'])).toEqual([{ v: 'text' }])
    const first: unknown[][] = []
    for (let i = 0; i < 200; i++) first.push(reads.read(q, [`k${i}`])!)
    expect(reads.size).toBeGreaterThan(10)
    expect(reads.size).toBeLessThan(100) // ~0.7 KB each under a 32 KB budget
    // The oldest result, read again, survives the next evictions (second chance); the one
    // after it, not read again, goes. The same array back means a hit.
    const oldest = 200 - reads.size
    expect(reads.read(q, [`k${oldest}`])).toBe(first[oldest])
    for (let i = 0; i < 20; i++) reads.read(q, [`k${i}`])
    expect(reads.read(q, [`k${oldest}`])).toBe(first[oldest])
    expect(reads.read(q, [`k${oldest + 1}`])).not.toBe(first[oldest + 1])
    // With every kept result read again, a new one still stays (room is made before it goes in).
    for (let i = 0; i < 220; i++) reads.read(q, [`k${i % 200}`])
    const fresh = reads.read(q, ['k150'])
    expect(reads.read(q, ['k150'])).toBe(fresh)
    // Reads hold a snapshot between them (WAL): whoever else uses the connection lets it go
    // first, as the store does; a read inside that one's transaction is declined.
    expect(raw.inTransaction).toBe(true)
    reads.release()
    raw.exec('BEGIN')
    expect(reads.read(q, [1])).toBeUndefined()
    raw.exec('ROLLBACK')
    reads.close()
    raw.close()
  })

  it('keys results by statement and values: other texts with the same values never share rows', () => {
    const raw = new Database(join(dir, 'texts.db'))
    raw.pragma('journal_mode = WAL')
    raw.exec("CREATE TABLE t (k, v); INSERT INTO t VALUES (1, 'a')")
    const reads = new ReadCache(raw, join(dir, 'texts.db'), (s) => raw.prepare(s), 1 << 20)
    // More distinct texts than the stand-in ids kept (10,000): the ids start again, and no
    // text may then find another's rows.
    for (let i = 0; i < 10_050; i++) {
      const text = `SELECT v || '${i}' AS v FROM t WHERE k = ?`
      expect(reads.read(text, [1])).toEqual([{ v: `a${i}` }])
      if (i % 1000 === 0) expect(reads.read(text, [1])).toEqual([{ v: `a${i}` }])
    }
    expect(reads.read(`SELECT v || '3' AS v FROM t WHERE k = ?`, [1])).toEqual([{ v: 'a3' }])
    expect(reads.read(`SELECT v || '10049' AS v FROM t WHERE k = ?`, [1])).toEqual([
      { v: 'a10049' },
    ])
    reads.close()
    raw.close()
  })
})

describe('dataVersion', () => {
  it('changes on every commit of this engine or another process, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-version-'))
    const file = join(dir, 'data.db')
    const a = await createGalley({ storage: sqlite({ file }), collections })
    const b = await createGalley({ storage: sqlite({ file }), collections })
    try {
      const v0 = a.dataVersion()
      expect(typeof v0).toBe('number')
      await a.find({ collection: 'posts' })
      expect(a.dataVersion()).toBe(v0) // reads change nothing
      const doc = await a.create({ collection: 'posts', data: { title: 'one' } })
      const v1 = a.dataVersion()
      expect(v1).not.toBe(v0)
      await b.update({ collection: 'posts', id: doc.id, data: { title: 'two' }, draft: true })
      const v2 = a.dataVersion()
      expect(v2).not.toBe(v1)
      expect(a.dataVersion()).toBe(v2)
      await a.transaction(async (t) => {
        expect(t.dataVersion()).toBeUndefined() // uncommitted reads are not cacheable
        await t.publish({ collection: 'posts', id: doc.id })
      })
      expect(a.dataVersion()).not.toBe(v2)
      // a rolled-back transaction may drop caches, but never keeps a stale version valid
      const v3 = a.dataVersion()
      await expect(
        a.transaction(async (t) => {
          await t.delete({ collection: 'posts', id: doc.id })
          throw new Error('no')
        }),
      ).rejects.toThrow('no')
      expect((await a.findById({ collection: 'posts', id: doc.id }))?.title).toBe('two')
      expect(typeof a.dataVersion()).toBe('number')
      expect(v3).toBeTypeOf('number')
    } finally {
      await a.close()
      await b.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
