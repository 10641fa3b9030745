import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { sqlite } from './sqlite-store'

describe('held snapshots keep no writer waiting [sqlite]', () => {
  it('two stores on one file in one process: reads that never yield, writes between them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-held-writers-'))
    const file = join(dir, 'data.db')
    const collections = [
      {
        slug: 'items',
        fields: [
          { name: 'n', type: 'number' as const },
          { name: 't', type: 'text' as const },
        ],
      },
    ]
    const a = await createGalley({ storage: sqlite({ file }), collections })
    const b = await createGalley({ storage: sqlite({ file }), collections })
    try {
      const ids: string[] = []
      for (let i = 0; i < 50; i++)
        ids.push((await b.create({ collection: 'items', data: { n: i, t: 'x' } })).id)
      // ~100 KB a write: the log reaches the worker's restart length (64 MiB) within the
      // run, and each restart waits for every reader. A snapshot A kept while B waits for
      // the worker stalled B for the worker's 100 ms, and the log outgrew its length.
      const big = 'y'.repeat(100_000)
      const slow: number[] = []
      let maxWal = 0
      let reads = 0
      const end = Date.now() + 3000
      while (Date.now() < end) {
        for (let k = 0; k < 10; k++)
          await a.find({ collection: 'items', where: { n: { gte: reads++ % 50 } }, limit: 3 })
        const t = performance.now()
        await b.update({ collection: 'items', id: ids[reads % 50]!, data: { t: big + reads } })
        const ms = performance.now() - t
        if (ms > 80) slow.push(Math.round(ms))
        maxWal = Math.max(maxWal, statSync(`${file}-wal`).size)
      }
      expect(slow.length, `writes over 80 ms: ${slow.join(', ')}`).toBeLessThanOrEqual(1)
      expect(maxWal / 2 ** 20).toBeLessThan(100)
    } finally {
      await a.close()
      await b.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 20_000)
})
