import { afterAll, describe, expect, it } from 'vitest'
import { type Galley } from '@galley/core'
import { parseWhere, parseSort } from '@galley/core/storage'
import type { SqlStore } from '@galley/sql'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`field indexes [${store.name}]`, () => {
    it('looks up an indexed field through a real index in published and drafts', async () => {
      const g: Galley = await makeGalley(store)
      try {
        for (let i = 0; i < 50; i++)
          await g.create({
            collection: 'posts',
            data: { title: `t${i}`, slug: `s-${i}`, views: i },
          })
        const coll = g.collection('posts')
        const storage = g.config.storage as SqlStore
        for (const [path, value] of [
          ['slug', 's-7'],
          ['views', 7],
        ] as const) {
          for (const kind of ['published', 'drafts'] as const) {
            const plan = await storage.explainResolved({
              collection: 'posts',
              perspective: { kind },
              where: parseWhere({ [path]: { equals: value } }, coll.paths, 'posts'),
              sort: parseSort('-createdAt', coll),
              limit: 1,
              offset: 0,
            })
            if (process.env.GALLEY_SHOW_PLANS) console.log(store.name, path, kind, plan)
            // the index narrows the search (not a scan with a filter)
            const used =
              store.name === 'sqlite'
                ? /SEARCH (galley_heads|h0) USING (COVERING )?INDEX galley_(ix|uq)_\w+ \([^)]*<expr>=\?[^)]*\)/
                : new RegExp(`Index Cond: .*keys #>> '\\{${path}\\}'`)
            expect(plan, `${path} in ${kind}`).toMatch(used)
          }
        }
        // an unindexed field is still found, just without an index
        expect(
          (await g.find({ collection: 'posts', where: { title: { equals: 't7' } } })).docs[0]?.slug,
        ).toBe('s-7')
      } finally {
        await g.close()
      }
    })

    it('answers exists on an indexed field from its index, reading only the holders', async () => {
      const g: Galley = await makeGalley(store)
      try {
        for (let i = 0; i < 120; i++)
          await g.create({
            collection: 'posts',
            data: { title: `t${i}`, slug: `e-${i}`, ...(i % 40 ? {} : { views: i }) },
          })
        const coll = g.collection('posts')
        const storage = g.config.storage as SqlStore
        for (const kind of ['published', 'drafts'] as const)
          for (const count of [false, true]) {
            const plan = await storage.explainResolved(
              {
                collection: 'posts',
                perspective: { kind },
                where: parseWhere({ views: { exists: true } }, coll.paths, 'posts'),
                sort: parseSort('-createdAt', coll),
                limit: 21,
                offset: 0,
              },
              { count },
            )
            if (process.env.GALLEY_SHOW_PLANS) console.log(store.name, kind, count, plan)
            const used =
              store.name === 'sqlite'
                ? /SEARCH h0 USING (COVERING )?INDEX galley_ix_\w+ \(collection=\? AND <expr>>\?\)/
                : /Index Cond: .*keys #>> '\{views\}'.*IS NOT NULL/
            expect(plan, `${kind} ${count ? 'count' : 'page'}`).toMatch(used)
          }
        const found = await g.find({ collection: 'posts', where: { views: { exists: true } } })
        expect(found.docs.map((d) => d.views).sort((a, b) => Number(a) - Number(b))).toEqual([
          0, 40, 80,
        ])
        expect(found.totalDocs).toBe(3)
        const none = await g.find({ collection: 'posts', where: { views: { exists: false } } })
        expect(none.totalDocs).toBe(117)
      } finally {
        await g.close()
      }
    })

    it('answers an or of indexed fields from the indexes, not the collection, however its branches nest', async () => {
      const g: Galley = await makeGalley(store)
      try {
        // Enough documents that reading the collection costs more than two lookups.
        await g.transaction(async (tx) => {
          for (let i = 0; i < 1500; i++)
            await tx.create({
              collection: 'posts',
              data: { title: `t${i}`, slug: `o-${i}`, views: i },
            })
        })
        const coll = g.collection('posts')
        const storage = g.config.storage as SqlStore
        const wheres = [
          { or: [{ slug: { equals: 'o-7' } }, { slug: { equals: 'o-8' } }] },
          { or: [{ slug: { equals: 'o-7' } }, { views: { equals: 9 } }] },
          // branches written as explicit `and`s, with a field no index holds
          {
            or: [
              { and: [{ slug: { equals: 'o-7' } }, { title: { like: 't' } }] },
              { and: [{ and: [{ views: { equals: 9 } }] }, { title: { exists: true } }] },
            ],
          },
        ]
        for (const where of wheres)
          for (const kind of ['published', 'drafts'] as const) {
            for (const count of [false, true]) {
              const plan = await storage.explainResolved(
                {
                  collection: 'posts',
                  perspective: { kind },
                  where: parseWhere(where, coll.paths, 'posts'),
                  sort: parseSort('-createdAt', coll),
                  limit: 21,
                  offset: 0,
                },
                { count },
              )
              if (process.env.GALLEY_SHOW_PLANS) console.log(store.name, kind, count, plan)
              if (store.name === 'sqlite')
                expect(plan, `${JSON.stringify(where)} ${kind}`).toMatch(/MULTI-INDEX OR/)
              else expect(plan).not.toMatch(/Seq Scan/)
            }
            const found = await g.find({ collection: 'posts', where, perspective: kind })
            expect(found.totalDocs).toBe(2)
          }
      } finally {
        await g.close()
      }
    })

    it('lists newest first in published and drafts through the one list index', async () => {
      const g: Galley = await makeGalley(store)
      try {
        for (let i = 0; i < 30; i++) {
          const d = await g.create({
            collection: 'posts',
            data: { title: `t${i}`, slug: `s-${i}` },
          })
          if (i % 3 === 0)
            await g.update({
              collection: 'posts',
              id: d.id,
              data: { title: `draft ${i}` },
              draft: true,
            })
        }
        const coll = g.collection('posts')
        for (const kind of ['published', 'drafts'] as const) {
          // Either way round: the list index, never a field's partial index and a sort of
          // every entry (what SQLite with statistics chose for a rowid heads table).
          for (const sort of ['-createdAt', 'createdAt']) {
            const plan = await (g.config.storage as SqlStore).explainResolved({
              collection: 'posts',
              perspective: { kind },
              where: undefined,
              sort: parseSort(sort, coll),
              limit: 10,
              offset: 0,
            })
            expect(plan, `${kind} ${sort}`).toMatch(
              store.name === 'sqlite'
                ? /USING COVERING INDEX galley_heads_listed/
                : /galley_heads_listed/,
            )
          }
          // A list of given ids reads them by key, never the whole list index.
          const some = (await g.find({ collection: 'posts', perspective: kind, limit: 2 })).docs
          const where = { id: { in: some.map((d) => d.id) } }
          const byId = await (g.config.storage as SqlStore).explainResolved({
            collection: 'posts',
            perspective: { kind },
            where: parseWhere(where, coll.paths, 'posts'),
            sort: parseSort('-createdAt', coll),
            limit: 10,
            offset: 0,
          })
          if (store.name === 'sqlite') expect(byId, kind).toMatch(/\(collection=\? AND id=\?/)
          const listedById = await g.find({ collection: 'posts', perspective: kind, where })
          expect(listedById.docs.map((d) => d.id)).toEqual(some.map((d) => d.id))
          const page = await g.find({
            collection: 'posts',
            perspective: kind,
            sort: '-createdAt',
            limit: 3,
            page: 2,
          })
          expect(page.totalDocs).toBe(30)
          // newest first, ties (same millisecond) by id; each document as the perspective resolves it
          const all = (await g.find({ collection: 'posts', perspective: kind, limit: 100 })).docs
          const expected = [...all]
            .sort(
              (a, b) =>
                String(b.createdAt).localeCompare(String(a.createdAt)) ||
                String(a.id).localeCompare(String(b.id)),
            )
            .slice(3, 6)
          expect(page.docs.map((d) => d.title)).toEqual(expected.map((d) => d.title))
          expect(all.filter((d) => String(d.title).startsWith('draft')).length).toBe(
            kind === 'drafts' ? 10 : 0,
          )
        }
      } finally {
        await g.close()
      }
    })

    it('fails at start-up with a clear message when existing data breaks a new unique rule', async () => {
      const storage = store.make()
      const loose = await makeGalley(
        { ...store, make: () => storage },
        {
          collections: [
            { slug: 'authors', fields: [{ name: 'name', type: 'text' }] },
            {
              slug: 'posts',
              fields: [
                { name: 'title', type: 'text' },
                { name: 'code', type: 'text' },
              ],
            },
          ],
        },
      )
      await loose.create({ collection: 'posts', data: { code: 'x' } })
      await loose.create({ collection: 'posts', data: { code: 'x' } })
      const { createGalley } = await import('@galley/core')
      await expect(
        createGalley({
          storage,
          collections: [
            {
              slug: 'posts',
              fields: [
                { name: 'title', type: 'text' },
                { name: 'code', type: 'text', unique: true },
              ],
            },
          ],
        }),
      ).rejects.toThrow(/Cannot make 'posts.code' unique/)
      await loose.close()
    })
  })
}
