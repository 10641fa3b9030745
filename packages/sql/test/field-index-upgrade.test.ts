import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type CollectionConfig, createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'

const items: CollectionConfig = {
  slug: 'items',
  fields: [{ name: 'code', type: 'text', index: true }],
}
const hash = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 12)

describe('field index upgrade [sqlite]', () => {
  it('replaces the (collection, value) index of earlier versions with one a page can be read from in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-ix-upgrade-'))
    const file = join(dir, 'data.db')
    try {
      const first = await createGalley({ storage: sqlite({ file }), collections: [items] })
      await first.create({ collection: 'items', data: { code: 'a' } })
      await first.close()
      // What earlier versions left: the value index without the creation time, the one
      // without `keys`, and the one sorted oldest first.
      const raw = new Database(file)
      const old = `galley_ix_${hash('text:code')}`
      raw.exec(`CREATE INDEX ${old} ON galley_heads (collection, json_extract(keys, '$.code'))`)
      const listed = `galley_ix_${hash('text:code:listed')}`
      raw.exec(
        `CREATE INDEX IF NOT EXISTS ${listed} ON galley_heads (collection, json_extract(keys, '$.code'), created_at, in_drafts)`,
      )
      const keyed = `galley_ix_${hash('text:code:listed:keys')}`
      raw.exec(
        `CREATE INDEX IF NOT EXISTS ${keyed} ON galley_heads (collection, json_extract(keys, '$.code'), created_at, in_drafts, keys)`,
      )
      // and the one index for every variant of the version before this one (`newest:keys`)
      const everyVariant = `galley_ix_${hash('text:code:newest:keys')}`
      raw.exec(
        `CREATE INDEX IF NOT EXISTS ${everyVariant} ON galley_heads (collection, json_extract(keys, '$.code'), created_at DESC, id, in_drafts, keys)`,
      )
      raw.close()
      const again = await createGalley({ storage: sqlite({ file }), collections: [items] })
      await again.close()
      const check = new Database(file)
      const indexes = check
        .prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'galley_ix_%'",
        )
        .all() as Array<{ name: string; sql: string }>
      check.close()
      expect(indexes.map((i) => i.name)).not.toContain(old)
      expect(indexes.map((i) => i.name)).not.toContain(listed)
      expect(indexes.map((i) => i.name)).not.toContain(keyed)
      expect(indexes.map((i) => i.name)).not.toContain(everyVariant)
      // One partial index per perspective that reads by field, in page order.
      expect(indexes.map((i) => i.sql.replace(/^CREATE INDEX \S+ /, '')).sort()).toEqual([
        "ON galley_heads (collection, json_extract(keys, '$.code'), created_at DESC, id, keys) WHERE in_drafts = 1",
        "ON galley_heads (collection, json_extract(keys, '$.code'), created_at DESC, id, keys) WHERE variant = 'published'",
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('field index lookups read the index alone [sqlite]', () => {
  it('counts and pages the matches of a value without seeking the table row of each, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-ix-covering-'))
    const file = join(dir, 'data.db')
    try {
      const g = await createGalley({
        storage: sqlite({ file, readCache: false }),
        collections: [items],
      })
      for (let i = 0; i < 30; i++)
        await g.create({ collection: 'items', data: { code: `c${i % 3}` } })
      // The statements the engine runs for a page, as better-sqlite3 is handed them.
      const ran: string[] = []
      const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
        all: (...a: unknown[]) => unknown
      }
      const all = proto.all
      proto.all = function (this: { source: string }, ...a: unknown[]) {
        ran.push(this.source)
        return all.apply(this, a)
      }
      const page = await g.find({
        collection: 'items',
        where: { code: { equals: 'c1' } },
        limit: 4,
      })
      proto.all = all
      expect([page.docs.length, page.totalDocs]).toEqual([4, 10])
      const created = page.docs.map((d) => d.createdAt)
      expect(created).toEqual([...created].sort().reverse())
      await g.close()
      const raw = new Database(file)
      // The statements a lookup runs (see resolved-select.ts): they read `keys` only.
      const statements = [
        "SELECT count(*) AS n FROM (SELECT h0.* FROM galley_heads h0 WHERE h0.collection = 'items' AND h0.variant = 'published') h WHERE json_extract(h.keys, '$.code') = ?",
        "SELECT h.id, h.variant FROM (SELECT h0.* FROM galley_heads h0 WHERE h0.collection = 'items' AND h0.in_drafts = 1) h WHERE json_extract(h.keys, '$.code') = ? ORDER BY h.created_at DESC, h.id ASC LIMIT 5",
      ]
      for (const text of statements) {
        const ops = (raw.prepare(`EXPLAIN ${text}`).all('c1') as Array<{ opcode: string }>).map(
          (r) => r.opcode,
        )
        expect(ops, text).not.toContain('NotFound')
        expect(ops, text).not.toContain('DeferredSeek')
      }
      // The page the engine read (its rows joined with their content) sorts nothing either:
      // the outer query orders by the page's own sort values, which arrive in order.
      const pageText = ran.find((t) => t.includes('JOIN galley_heads'))!
      const pageOps = (
        raw.prepare(`EXPLAIN ${pageText}`).all('c1', 0) as Array<{ opcode: string }>
      ).map((r) => r.opcode)
      expect(pageOps).not.toContain('SorterOpen')
      expect(pageOps).not.toContain('OpenEphemeral')
      // A page in the default order is read from the index in order: no sorter, so it stops
      // after the page instead of reading every match.
      const ops = (
        raw
          .prepare(`EXPLAIN ${statements[1]!.replace('in_drafts = 1', "variant = 'published'")}`)
          .all('c1') as Array<{
          opcode: string
        }>
      ).map((r) => r.opcode)
      expect(ops).not.toContain('SorterOpen')
      expect(ops).not.toContain('OpenEphemeral')
      raw.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
