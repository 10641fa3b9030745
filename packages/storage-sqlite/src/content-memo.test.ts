import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley, type Galley } from '@galley/core'
import { sqlite, type SqliteOptions } from './index'

// The store's memo of parsed content (contentMemo), with and without the result cache:
// every read must give the row's content as it is now, as objects of its own.
const collections = [
  {
    slug: 'posts',
    versions: { drafts: true },
    fields: [
      { name: 'title', type: 'text' as const, index: true },
      { name: 'blocks', type: 'json' as const },
    ],
  },
]

describe.each([
  ['with the read cache', {}],
  ['without the read cache', { readCache: false as const }],
])('content memo (%s)', (_, extra: Partial<SqliteOptions>) => {
  let dir: string
  let file: string
  const open = (options: Partial<SqliteOptions> = {}): Promise<Galley> =>
    createGalley({ storage: sqlite({ file, ...extra, ...options }), collections })
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-memo-'))
    file = join(dir, 'data.db')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('hands out objects of their own: changing one changes no later read', async () => {
    const g = await open()
    try {
      const doc = await g.create({
        collection: 'posts',
        data: { title: 'one', blocks: [{ type: 'p', children: [{ text: 'hi' }] }] },
      })
      for (let i = 0; i < 3; i++) {
        const [byId, page] = [
          await g.findById({ collection: 'posts', id: doc.id }),
          (await g.find({ collection: 'posts', where: { title: { equals: 'one' } } })).docs[0],
        ]
        expect(byId).toEqual(page)
        expect(byId!.blocks).toEqual([{ type: 'p', children: [{ text: 'hi' }] }])
        ;(byId!.blocks as any)[0].children[0].text = 'changed'
        ;(page!.blocks as any).push({ type: 'h1' })
        page!.title = 'changed'
      }
    } finally {
      await g.close()
    }
  })

  it('reads content another connection rewrote in place under the same revision id', async () => {
    const g = await open()
    const other = new Database(file)
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one', blocks: [1] } })
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.blocks).toEqual([1])
      // Not something Galley does, but a tool or a restore may: the memo must not notice only
      // new revision ids.
      other
        .prepare('UPDATE galley_revisions SET data = ? WHERE doc_id = ?')
        .run(JSON.stringify({ title: 'one', blocks: [2] }), doc.id)
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.blocks).toEqual([2])
      const page = await g.find({ collection: 'posts', where: { title: { equals: 'one' } } })
      expect(page.docs[0]?.blocks).toEqual([2])
    } finally {
      other.close()
      await g.close()
    }
  })

  it('follows drafts, publishes and restores like any read', async () => {
    const g = await open()
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one', blocks: ['a'] } })
      await g.update({ collection: 'posts', id: doc.id, data: { blocks: ['b'] }, draft: true })
      const read = async (perspective: 'published' | 'drafts') =>
        (await g.findById({ collection: 'posts', id: doc.id, perspective }))?.blocks
      expect([await read('published'), await read('drafts')]).toEqual([['a'], ['b']])
      await g.publish({ collection: 'posts', id: doc.id })
      expect([await read('published'), await read('drafts')]).toEqual([['b'], ['b']])
      const { docs } = await g.listRevisions({ collection: 'posts', id: doc.id })
      const first = docs.at(-1)!
      // Revisions come through the memo too (their content is the same text), as copies.
      expect(first.data).toEqual({ title: 'one', blocks: ['a'] })
      ;((first.data as Record<string, unknown>).blocks as string[]).push('changed')
      const again = await g.listRevisions({ collection: 'posts', id: doc.id })
      expect(again.docs.at(-1)!.data).toEqual({ title: 'one', blocks: ['a'] })
      await g.restoreRevision({ collection: 'posts', id: doc.id, revisionId: first.id })
      expect(await read('drafts')).toEqual(['a'])
    } finally {
      await g.close()
    }
  })

  it('can be turned off, and refuses a bad budget naming the option', async () => {
    const g = await open({ contentMemo: false })
    try {
      const doc = await g.create({ collection: 'posts', data: { title: 'one', blocks: [1] } })
      const first = await g.findById({ collection: 'posts', id: doc.id })
      ;(first!.blocks as number[]).push(2)
      expect((await g.findById({ collection: 'posts', id: doc.id }))?.blocks).toEqual([1])
    } finally {
      await g.close()
    }
    expect(() => sqlite({ file: ':memory:', contentMemo: { maxBytes: -1 } })).toThrow(
      /sqlite\(\{ contentMemo \}\): maxBytes must be a non-negative number/,
    )
  })
})
