import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { ReadCache } from './read-cache'
import { sqlite } from './sqlite-store'

const collections = [
  {
    slug: 'items',
    versions: { drafts: true },
    fields: [{ name: 'category', type: 'text' as const, index: true }],
  },
]

// better-sqlite3's statements, so a test can act between two statements of one read.
const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
  all: (...a: unknown[]) => unknown
  run: (...a: unknown[]) => unknown
}

describe('a page and its count read one snapshot [sqlite]', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-snapshot-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('together reads one state: a cached result older than its snapshot is read again', () => {
    const file = join(dir, 'cache.db')
    const raw = new Database(file)
    raw.pragma('journal_mode = WAL')
    raw.exec('CREATE TABLE t (x)')
    raw.exec('INSERT INTO t VALUES (1)')
    const other = new Database(file)
    // A snapshot held for up to 10 s: the reads below mean to share one, however loaded
    // the machine (2 ms, the store's figure, passed between them under load).
    const cache = new ReadCache(raw, file, (text) => raw.prepare(text), 1 << 20, undefined, 10_000)
    try {
      const count = 'SELECT count(*) AS n FROM t'
      const sum = 'SELECT sum(x) AS s FROM t'
      const kept = cache.read(count, [])
      expect(cache.read(count, [])).toBe(kept) // kept
      let runs = 0
      let value = 2
      const read = (commitBetween: boolean) =>
        cache.together((r) => {
          runs++
          const n = r<{ n: number }>(count, [])[0]!.n // from the cache
          if (commitBetween && runs === 1) other.prepare('INSERT INTO t VALUES (?)').run(value++)
          const s = r<{ s: number }>(sum, [])[0]!.s
          return [n, s]
        })
      // The snapshot the first read opened is still held: the commit is after it, and
      // neither read sees it.
      expect(read(true)).toEqual([1, 1])
      expect(runs).toBe(1)
      // The next read sees it (and kept results go).
      expect(cache.read(count, [])).toEqual([{ n: 2 }])
      // No snapshot held (a later turn): the sum opens one after the commit, the count came
      // from the cache before it. Both are read again, as statements of one snapshot.
      cache.release()
      runs = 0
      expect(read(true)).toEqual([3, 6])
      expect(runs).toBe(2)
      expect(cache.read(count, [])).toEqual([{ n: 3 }])
      cache.release()
      expect(raw.inTransaction).toBe(false)
    } finally {
      cache.close()
      other.close()
      raw.close()
    }
  })

  it('reads a page of named documents (ids, unique values) alone, with no count or snapshot', async () => {
    const g = await createGalley({
      storage: sqlite({ file: join(dir, 'data.db'), readCache: false }),
      collections,
    })
    const ran: string[] = []
    const run = proto.run
    const all = proto.all
    try {
      const ids: string[] = []
      for (let i = 0; i < 5; i++)
        ids.push((await g.create({ collection: 'items', data: { category: 'k' } })).id)
      const spy = (orig: (...a: unknown[]) => unknown) =>
        function (this: { source: string }, ...a: unknown[]) {
          ran.push(this.source)
          return orig.apply(this, a)
        }
      proto.all = spy(all)
      proto.run = spy(run)
      const named = await g.find({ collection: 'items', where: { id: { in: ids.slice(0, 3) } } })
      expect([named.docs.length, named.totalDocs]).toEqual([3, 3])
      // (A BEGIN may run: reads hold a snapshot between them, see ReadCache.)
      expect(ran.filter((t) => /count\(\*\)/.test(t))).toEqual([])
      // More named than a page holds: counted, page and count in one snapshot (the held one).
      ran.length = 0
      const paged = await g.find({ collection: 'items', where: { id: { in: ids } }, limit: 2 })
      expect([paged.docs.length, paged.totalDocs]).toEqual([2, 5])
      // The page, then its count, with nothing between them. (A snapshot held since the
      // creates may end first, with a COMMIT and a BEGIN, on a machine slow enough that
      // 2 ms passed.)
      const reads = ran.slice(ran.findIndex((t) => /LIMIT/.test(t)))
      expect(reads).toHaveLength(2)
      expect(reads[1]).toMatch(/count\(\*\)/)
    } finally {
      proto.all = all
      proto.run = run
      await g.close()
    }
  })

  it('lists revisions and counts them from one snapshot too', async () => {
    const file = join(dir, 'data.db')
    const g = await createGalley({ storage: sqlite({ file, readCache: false }), collections })
    const other = new Database(file)
    const all = proto.all
    try {
      const doc = await g.create({ collection: 'items', data: { category: 'k' } })
      for (let i = 0; i < 3; i++)
        await g.update({
          collection: 'items',
          id: doc.id,
          data: { category: `k${i}` },
          draft: true,
        })
      let lists = 0
      proto.all = function (this: { source: string }, ...a: unknown[]) {
        const rows = all.apply(this, a)
        // Another connection adds a revision of the document right after the list is read.
        if (this.source.includes('ORDER BY id DESC') && lists++ === 0)
          other
            .prepare(
              `INSERT INTO galley_revisions (collection, doc_id, id, variant, action, data, author, autosave, created_at)
               SELECT collection, doc_id, id || 'x', variant, action, data, author, autosave, created_at
               FROM galley_revisions WHERE doc_id = ? ORDER BY seq DESC LIMIT 1`,
            )
            .run(doc.id)
        return rows
      }
      const listed = await g.listRevisions({ collection: 'items', id: doc.id, limit: 2 })
      expect([listed.docs.length, listed.totalDocs]).toEqual([2, 4])
      proto.all = all
      expect((await g.listRevisions({ collection: 'items', id: doc.id })).totalDocs).toBe(5)
    } finally {
      proto.all = all
      other.close()
      await g.close()
    }
  })

  for (const readCache of [false, undefined] as const) {
    it(`totalDocs counts what the page was read from, though another process commits between (read cache ${readCache === false ? 'off' : 'on'})`, async () => {
      const file = join(dir, 'data.db')
      const g = await createGalley({ storage: sqlite({ file, readCache }), collections })
      const other = new Database(file)
      const all = proto.all
      try {
        for (let i = 0; i < 5; i++) await g.create({ collection: 'items', data: { category: 'k' } })
        // Right after the page statement, another connection commits five more matches
        // (copies of the published heads under new ids).
        let pages = 0
        proto.all = function (this: { source: string }, ...a: unknown[]) {
          const rows = all.apply(this, a)
          if (this.source.includes('JOIN galley_heads') && pages++ === 0)
            other
              .prepare(
                `INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at, rev_seq)
                 SELECT collection, id || 'x', variant, rev, status, in_drafts, keys, created_at, updated_at, rev_seq
                 FROM galley_heads WHERE collection = 'items' AND variant = 'published'`,
              )
              .run()
          return rows
        }
        const page = await g.find({
          collection: 'items',
          where: { category: { equals: 'k' } },
          limit: 2,
        })
        expect([page.docs.length, page.totalDocs]).toEqual([2, 5])
        // The next read sees the commit, in its page and its count alike (nothing stale kept).
        const next = await g.find({
          collection: 'items',
          where: { category: { equals: 'k' } },
          limit: 2,
        })
        expect(next.totalDocs).toBe(10)
        // Reads go on, and writes too: the snapshot's transaction ended with the read.
        await g.create({ collection: 'items', data: { category: 'k' } })
        expect(
          (await g.find({ collection: 'items', where: { category: { equals: 'k' } } })).totalDocs,
        ).toBe(11)
      } finally {
        proto.all = all
        other.close()
        await g.close()
      }
    })
  }
})
