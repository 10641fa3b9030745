import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

// Every page of every size over 0 to 6 matches: a page that is not full tells the total,
// a full one (also one exactly full) and one past the end count it.
for (const store of STORES) {
  describe(`pages and their totals [${store.name}]`, () => {
    let g: Galley
    beforeAll(async () => {
      g = await makeGalley(store)
      for (let i = 0; i < 6; i++)
        await g.create({ collection: 'posts', data: { title: `t${i}`, views: i, slug: `s${i}` } })
      await g.create({ collection: 'posts', data: { title: 'other', views: 100, slug: 'other' } })
    })
    afterAll(() => g.close())

    it('give the right documents, totalDocs and pages at every limit and offset', async () => {
      for (let matches = 0; matches <= 6; matches++) {
        const where = { views: { lt: matches } }
        for (let limit = 0; limit <= 7; limit++) {
          for (let page = 1; page <= 4; page++) {
            for (const perspective of ['published', 'drafts'] as const) {
              const res = await g.find({
                collection: 'posts',
                where,
                limit,
                page,
                perspective,
                sort: 'views',
              })
              const from = (page - 1) * limit
              const want = Array.from({ length: matches }, (_, i) => i).slice(from, from + limit)
              const what = `${matches} matches, limit ${limit}, page ${page}, ${perspective}`
              expect(
                res.docs.map((d) => d.views),
                what,
              ).toEqual(want)
              expect(res.totalDocs, what).toBe(matches)
              const pages = limit === 0 ? 0 : Math.ceil(matches / limit)
              expect([res.totalPages, res.hasNextPage], what).toEqual([pages, page < pages])
            }
          }
        }
      }
      // Lookups by a unique value skip the count; their totals hold too.
      const one = await g.find({ collection: 'posts', where: { slug: { equals: 's2' } }, limit: 1 })
      expect([one.docs.length, one.totalDocs, one.hasNextPage]).toEqual([1, 1, false])
      const none = await g.find({
        collection: 'posts',
        where: { slug: { in: ['x', 'y'] } },
        limit: 2,
      })
      expect([none.docs.length, none.totalDocs]).toEqual([0, 0])
    })
  })
}
