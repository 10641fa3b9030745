import { afterAll, describe, expect, it } from 'vitest'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import type { FeedEntry } from '@galley/core/storage'
import { STORES, dropTestSchemas } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`change feed (${store.name})`, () => {
    const open = async (): Promise<Galley> =>
      createGalley(
        defineConfig({
          storage: store.make(),
          collections: [
            {
              slug: 'posts',
              versions: { drafts: true },
              fields: [{ name: 'title', type: 'text', required: true }],
            },
          ],
          globals: [
            {
              slug: 'settings',
              versions: { drafts: true },
              fields: [{ name: 'name', type: 'text' }],
            },
          ],
        }),
      )

    it('holds every committed change in order, with its revision, never a rolled-back one', async () => {
      const galley = await open()
      const feed = galley.config.storage.changeFeed!
      expect(await feed.latest()).toBe(0)
      const a = await galley.create({ collection: 'posts', id: 'a', data: { title: 'A' } })
      const d = await galley.update({
        collection: 'posts',
        id: 'a',
        data: { title: 'A2' },
        draft: true,
      })
      await expect(
        galley.transaction(async (g) => {
          await g.create({ collection: 'posts', id: 'b', data: { title: 'B' } })
          throw new Error('roll back')
        }),
      ).rejects.toThrow('roll back')
      await galley.publish({ collection: 'posts', id: 'a' })
      await galley.updateGlobal({ slug: 'settings', data: { name: 'S' } })
      await galley.delete({ collection: 'posts', id: 'a' })
      const entries = await feed.read(0, 100)
      const shape = (e: FeedEntry) => [
        e.kind,
        e.collection,
        e.id,
        e.operation,
        e.status,
        e.published,
      ]
      expect(entries.map(shape)).toEqual([
        ['collection', 'posts', 'a', 'create', 'published', true],
        ['collection', 'posts', 'a', 'update', 'changed', false],
        ['collection', 'posts', 'a', 'publish', 'published', true],
        ['global', 'settings', 'settings', 'create', 'published', true],
        ['collection', 'posts', 'a', 'delete', null, true],
      ])
      expect(entries[0]!.rev).toBe(a._rev)
      expect(entries[1]!.rev).toBe(d._rev)
      expect(entries[4]!.rev).toBeUndefined()
      const seqs = entries.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
      expect(await feed.latest()).toBe(seqs.at(-1))
      expect((await feed.read(seqs[2]!, 100)).map((e) => e.seq)).toEqual(seqs.slice(3))
      expect(await feed.read(seqs.at(-1)!, 100)).toEqual([])
      for (const e of entries) expect(Date.parse(e.at)).toBeGreaterThan(0)
      await galley.close()
    })

    it('concurrent writers commit in sequence order: a reader never skips a number', async () => {
      const galley = await open()
      const feed = galley.config.storage.changeFeed!
      const seen: number[] = []
      let last = 0
      // One reader polling after every commit, as a live event stream does.
      let chain = Promise.resolve()
      const poll = () =>
        (chain = chain.then(async () => {
          for (const e of await feed.read(last, 1000)) {
            seen.push(e.seq)
            last = e.seq
          }
        }))
      const writes = Array.from({ length: 40 }, (_, i) =>
        galley.create({ collection: 'posts', id: `p${i}`, data: { title: `T${i}` } }).then(poll),
      )
      await Promise.all(writes)
      await poll()
      expect(seen).toHaveLength(40)
      expect(new Set(seen).size).toBe(40)
      await galley.close()
    })
  })
}

describe('change feed window (sqlite)', () => {
  it('keeps the newest 10,000 changes, numbers never reused, large transactions in chunks', async () => {
    const galley = await createGalley(
      defineConfig({
        storage: STORES[0]!.make(),
        collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text', required: true }] }],
      }),
    )
    const feed = galley.config.storage.changeFeed!
    // 21 transactions of 500 changes: more rows per statement than SQLite takes parameters
    // for in one go (8 each), and 10,500 changes in all.
    for (let t = 0; t < 21; t++)
      await galley.transaction(async (g) => {
        for (let i = 0; i < 500; i++)
          await g.create({ collection: 'posts', id: `t${t}-${i}`, data: { title: 'x' } })
      })
    const latest = await feed.latest()
    const oldest = await feed.oldest()
    expect(latest).toBe(10_500)
    expect(oldest).toBeGreaterThan(1)
    expect(latest - oldest + 1).toBeLessThanOrEqual(10_000)
    expect(latest - oldest + 1).toBeGreaterThan(9_000)
    expect((await feed.read(oldest - 1, 10)).map((e) => e.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => oldest + i),
    )
    // After a trim the next number still follows the newest: none comes back.
    await galley.create({ collection: 'posts', id: 'after', data: { title: 'y' } })
    expect(await feed.latest()).toBe(10_501)
    await galley.close()
  }, 60_000)
})
