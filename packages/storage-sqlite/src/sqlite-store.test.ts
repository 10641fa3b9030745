import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { sqlite } from './sqlite-store'

describe('sqlite store', () => {
  it('rejects a missing file option with a clear message', () => {
    expect(() => sqlite({} as { file: string })).toThrow(/needs a file path, or ':memory:'/)
  })

  it('keeps writing and reading while the worker checkpoints and the log is reset (no SQLITE_BUSY)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-sqlite-'))
    try {
      const { createGalley } = await import('@galley/core')
      const g = await createGalley({
        storage: sqlite({ file: join(dir, 'data.db') }),
        collections: [
          {
            slug: 'posts',
            versions: { drafts: true },
            fields: [
              { name: 'title', type: 'text' },
              { name: 'body', type: 'textarea' },
            ],
          },
        ],
      })
      const until = Date.now() + 2500
      let n = 0
      while (Date.now() < until) {
        const p = await g.create({
          collection: 'posts',
          data: { title: `t${n}`, body: 'x'.repeat(2000) },
        })
        await g.update({ collection: 'posts', id: p.id, data: { title: `d${n++}` }, draft: true })
        await g.findById({ collection: 'posts', id: p.id, draft: true })
      }
      await new Promise((r) => setTimeout(r, 800))
      expect((await g.count({ collection: 'posts' })).totalDocs).toBe(n)
      // Once nothing has been committed for a whole interval, the worker empties the log file.
      const { statSync } = await import('node:fs')
      const wal = join(dir, 'data.db-wal')
      const idleBy = Date.now() + 5000
      while (statSync(wal).size > 0 && Date.now() < idleBy)
        await new Promise((r) => setTimeout(r, 50))
      expect(statSync(wal).size).toBe(0)
      await g.create({ collection: 'posts', data: { title: 'after' } })
      expect((await g.count({ collection: 'posts' })).totalDocs).toBe(n + 1)
      await g.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lets a process that closes a file database exit on its own, checkpointed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-sqlite-'))
    try {
      // Inside the package so '@galley/*' resolves; .mts for top-level await.
      const script = join(import.meta.dirname, `.close-test-${process.pid}.tmp.mts`)
      writeFileSync(
        script,
        `import { createGalley } from '@galley/core'
         import { sqlite } from '@galley/storage-sqlite'
         const g = await createGalley({ storage: sqlite({ file: ${JSON.stringify(join(dir, 'db', 'data.db'))} }), collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }] })
         await g.create({ collection: 'posts', data: { title: 'kept' } })
         await g.close()
         console.log('closed')`,
      )
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: process.cwd(),
        timeout: 20_000,
      })
      expect(stdout.trim()).toBe('closed')
      const reopened = sqlite({ file: join(dir, 'db', 'data.db') })
      const { createGalley } = await import('@galley/core')
      const g = await createGalley({
        storage: reopened,
        collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }],
      })
      expect((await g.find({ collection: 'posts' })).docs.map((d) => d.title)).toEqual(['kept'])
      await g.close()
    } finally {
      rmSync(join(import.meta.dirname, `.close-test-${process.pid}.tmp.mts`), { force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
