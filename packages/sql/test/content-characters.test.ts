import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

// Every control character but NUL (which the engine refuses), the separator SQLite reads
// pack a head's columns with among them, astral and combining characters, quotes.
const hostile =
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') +
  '"\\\u2028\u2029😀e\u0301{}[],:'

for (const store of STORES) {
  describe(`content with control characters reads back unchanged [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store)
    })
    afterEach(() => g.close())

    it('through pages, lookups, drafts and revisions', async () => {
      const extra = { [hostile]: hostile, list: [hostile, { k: hostile }] }
      const a = await g.create({
        collection: 'posts',
        data: { title: hostile.slice(0, 100), meta: { description: hostile }, extra },
      })
      await g.update({
        collection: 'posts',
        id: a.id,
        draft: true,
        data: { title: `draft ${hostile.slice(0, 50)}`, extra },
      })
      await g.create({ collection: 'posts', data: { title: 'other', views: 3 } })
      const published = await g.findById({ collection: 'posts', id: a.id })
      expect(published?.title).toBe(hostile.slice(0, 100))
      expect(published?.meta).toEqual({ description: hostile })
      expect(published?.extra).toEqual(extra)
      const drafts = await g.findById({ collection: 'posts', id: a.id, perspective: 'drafts' })
      expect(drafts?.title).toBe(`draft ${hostile.slice(0, 50)}`)
      expect(drafts?.extra).toEqual(extra)
      // A page (sorted, with a count), one by its content, and one in the drafts perspective.
      for (const perspective of ['published', 'drafts'] as const) {
        const page = await g.find({
          collection: 'posts',
          perspective,
          sort: '-createdAt',
          limit: 5,
        })
        expect(page.totalDocs).toBe(2)
        expect(page.docs.find((d) => d.id === a.id)?.extra).toEqual(extra)
        const byContent = await g.find({
          collection: 'posts',
          perspective,
          where: { 'meta.description': { equals: hostile } },
        })
        expect(byContent.docs.map((d) => d.id)).toEqual([a.id])
        expect(byContent.docs[0]!.meta).toEqual({ description: hostile })
      }
      const revisions = await g.listRevisions({ collection: 'posts', id: a.id })
      expect(revisions.docs[0]!.data?.extra).toEqual(extra)
    })
  })
}
