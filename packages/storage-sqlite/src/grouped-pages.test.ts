import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { sqlite } from './sqlite-store'

const collections = [
  {
    slug: 'items',
    versions: { drafts: true },
    fields: [
      { name: 'k', type: 'text' as const, index: true },
      { name: 'n', type: 'number' as const },
    ],
  },
]

describe('a page is one statement and one JSON array of contents [sqlite]', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-grouped-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('reads content another tool wrote as empty, and refuses content of two values', async () => {
    const file = join(dir, 'data.db')
    const g = await createGalley({ storage: sqlite({ file, readCache: false }), collections })
    const other = new Database(file)
    try {
      const ids: string[] = []
      for (let i = 0; i < 3; i++)
        ids.push((await g.create({ collection: 'items', data: { k: 'x', n: i } })).id)
      // Chosen from the field index alone (newest first): no statement reads the content.
      const page = () => g.find({ collection: 'items', where: { k: { equals: 'x' } } })
      const byId = async () => new Map((await page()).docs.map((d) => [d.id, d.n]))
      expect(await byId()).toEqual(new Map(ids.map((id, i) => [id, i])))
      const setContent = other.prepare(
        `UPDATE galley_revisions SET data = ? WHERE collection = 'items' AND doc_id = ?`,
      )
      setContent.run('', ids[1])
      const emptied = new Map<string, unknown>(ids.map((id, i) => [id, i]))
      emptied.set(ids[1]!, undefined)
      expect(await byId()).toEqual(emptied)
      // Two values where one document's content should be: never paired with the next head.
      setContent.run('{"n":1},{"n":5}', ids[1])
      await expect(page()).rejects.toThrow(/A stored head of 'items' could not be read/)
      // The documents around it still read one by one.
      expect((await g.findById({ collection: 'items', id: ids[2] }))?.n).toBe(2)
    } finally {
      other.close()
      await g.close()
    }
  })
})
