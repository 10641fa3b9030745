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
      // What an earlier version left: the value index without the creation time.
      const raw = new Database(file)
      const old = `galley_ix_${hash('text:code')}`
      raw.exec(`CREATE INDEX ${old} ON galley_heads (collection, json_extract(keys, '$.code'))`)
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
      expect(indexes).toHaveLength(1)
      expect(indexes[0]!.sql).toMatch(
        /\(collection, json_extract\(keys, '\$\.code'\), created_at, in_drafts\)/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
