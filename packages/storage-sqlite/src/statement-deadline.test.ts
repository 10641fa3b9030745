import { describe, expect, it } from 'vitest'
import { StoreBusyError, createGalley, shareReadLimitPerTurn } from '@galley/core'
import { sqlite } from './sqlite-store'

// What a script gets (each statement its own limit) and what a server gets (the bounded
// statements of one turn of the event loop share one, from the first of them), on one store
// with a 20 ms limit. The server side is turned on last: it stays on for the process (here,
// this file).
describe('the time limit of reads on SQLite', () => {
  it('gives each statement of a script its own limit, and a server’s turn one limit', async () => {
    const galley = await createGalley({
      storage: sqlite({ file: ':memory:', queryTimeoutMs: 20, readCache: false }),
      collections: [{ slug: 'posts', fields: [{ name: 'label', type: 'text', index: true }] }],
    })
    try {
      const label = 'lorem ipsum dolor sit amet '.repeat(12)
      await galley.transaction(async (tx) => {
        for (let i = 0; i < 2000; i++) await tx.create({ collection: 'posts', data: { label } })
      })
      // A like on an indexed field is bounded (no index answers it): a few ms each.
      const count = (i: number) =>
        galley.count({ collection: 'posts', where: { label: { like: `zz${i}` } } })
      let started = performance.now()
      for (let i = 0; i < 100; i++) await count(i)
      expect(performance.now() - started).toBeGreaterThan(20)

      shareReadLimitPerTurn()
      // Writes and index lookups before them in the turn do not spend the limit: it starts
      // with the first statement that is bounded.
      await new Promise((resolve) => setImmediate(resolve))
      started = performance.now()
      while (performance.now() - started < 40)
        await galley.create({ collection: 'posts', data: { label: 'short' } })
      expect((await count(0)).totalDocs).toBe(0)

      await new Promise((resolve) => setImmediate(resolve))
      started = performance.now()
      const err = await (async () => {
        for (let i = 0; i < 100; i++) await count(i)
      })().catch((e: unknown) => e)
      // Each read alone is well within 20 ms: the turn's limit was spent by those before it.
      expect(err).toBeInstanceOf(StoreBusyError)
      expect((err as Error).message).toMatch(/on other reads just before this one/)
      expect(performance.now() - started).toBeLessThan(1000)
      // Once the thread has turned to other work, reads have a whole limit again.
      await new Promise((resolve) => setImmediate(resolve))
      expect((await count(0)).totalDocs).toBe(0)
    } finally {
      await galley.close()
    }
  })
})
