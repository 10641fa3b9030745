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
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), timeout: 20_000 })
      expect(stdout.trim()).toBe('closed')
      const reopened = sqlite({ file: join(dir, 'db', 'data.db') })
      const { createGalley } = await import('@galley/core')
      const g = await createGalley({ storage: reopened, collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }] })
      expect((await g.find({ collection: 'posts' })).docs.map((d) => d.title)).toEqual(['kept'])
      await g.close()
    } finally {
      rmSync(join(import.meta.dirname, `.close-test-${process.pid}.tmp.mts`), { force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
