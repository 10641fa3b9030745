import { describe, expect, it } from 'vitest'
import { QueryTimeoutError, createGalley, shareReadLimitPerTurn } from '@galley/core'
import { sqlite } from './sqlite-store'

// What a script gets (each statement its own limit) and what a server gets (the statements
// of one turn of the event loop share one), on one store with a 20 ms limit. The server
// side is turned on last: it stays on for the process (here, this file).
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
      started = performance.now()
      const err = await (async () => {
        for (let i = 0; i < 100; i++) await count(i)
      })().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(QueryTimeoutError)
      expect(performance.now() - started).toBeLessThan(20 * 8)
      // Once the thread has turned to other work, reads have a whole limit again.
      await new Promise((resolve) => setImmediate(resolve))
      expect((await count(0)).totalDocs).toBe(0)
    } finally {
      await galley.close()
    }
  })
})
