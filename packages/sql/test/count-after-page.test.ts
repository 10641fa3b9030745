import pg from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Galley, Releases } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

// PostgreSQL reads a page and its count as two statements on the pool (SQLite reads them
// in one snapshot). Every statement the store sends passes through pg.Client#query: here
// it is counted, and once a page statement has run, another connection may commit.
const store = STORES.find((s) => s.name === 'postgres')
const query = pg.Client.prototype.query

describe.skipIf(!store)('a page and its count apart [postgres]', () => {
  let g: Galley
  let sent: string[] = []
  let afterPage: (() => Promise<unknown>) | undefined
  beforeEach(async () => {
    g = await makeGalley(store!)
    ;(pg.Client.prototype as { query: unknown }).query = function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text
      const result = (query as (...a: unknown[]) => unknown).apply(this, args)
      if (typeof text !== 'string' || !(result instanceof Promise)) return result
      sent.push(text)
      const then = afterPage
      if (!then || !/LIMIT \d+ OFFSET/.test(text)) return result
      afterPage = undefined
      return result.then(async (r) => (await then(), r))
    }
  })
  afterEach(async () => {
    pg.Client.prototype.query = query
    await g.close()
  })

  it('never gives a total below what the page shows', async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await g.create({ collection: 'posts', data: { title: `t${i}`, views: 7 } })).id)
    // The page is exactly full, so it is counted; a delete lands before the count runs.
    afterPage = () => g.delete({ collection: 'posts', id: ids[0]! })
    const page = await g.find({ collection: 'posts', where: { views: { equals: 7 } }, limit: 5 })
    expect(page.docs).toHaveLength(5)
    expect([page.totalDocs, page.totalPages, page.hasNextPage]).toEqual([5, 1, false])
    expect(
      (await g.count({ collection: 'posts', where: { views: { equals: 7 } } })).totalDocs,
    ).toBe(4)
  })

  it('counts nothing for lookups by id in a release perspective', async () => {
    const a = await g.create({ collection: 'posts', data: { title: 'a', slug: 'a' } })
    const b = await g.create({ collection: 'posts', data: { title: 'b', slug: 'b' } })
    const r = await new Releases(g).create({ title: 'R' })
    await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'a in R' } })
    sent = []
    const found = await g.find({
      collection: 'posts',
      perspective: [r.id],
      where: { id: { in: [a.id, b.id] } },
      limit: 2,
      sort: 'title',
    })
    expect(found.docs.map((d) => d.title)).toEqual(['a in R', 'b'])
    expect(found.totalDocs).toBe(2)
    expect(sent.filter((t) => /count\(/i.test(t))).toEqual([])
    // A unique field pins nothing there: a release may hold a value another document has.
    sent = []
    const bySlug = await g.find({
      collection: 'posts',
      perspective: [r.id],
      where: { slug: { in: ['a'] } },
      limit: 1,
    })
    expect(bySlug.totalDocs).toBe(1)
    expect(sent.filter((t) => /count\(/i.test(t))).toHaveLength(1)
  })
})
