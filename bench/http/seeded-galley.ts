// The data both HTTP benchmarks serve: posts on SQLite with auth, every fifth with a newer
// draft (so drafts reads hit both kinds), and a read:drafts token.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { AuthStore, withAuth } from '@galley/server'

export const DOCS = Number(process.env.GALLEY_BENCH_HTTP_DOCS ?? 2000)

export async function seededGalley(): Promise<{
  galley: Galley
  token: string
  cleanup: () => void
}> {
  const dir = mkdtempSync(join(tmpdir(), 'galley-http-bench-'))
  const galley = await createGalley(
    withAuth(
      defineConfig({
        storage: sqlite({ file: join(dir, 'data.db') }),
        collections: [
          {
            slug: 'posts',
            versions: { drafts: true },
            fields: [
              { name: 'title', type: 'text', required: true },
              { name: 'slug', type: 'slug', unique: true, index: true },
              { name: 'body', type: 'textarea' },
              { name: 'views', type: 'number' },
            ],
          },
        ],
      }),
    ),
  )
  await galley.transaction(async (tx) => {
    for (let i = 0; i < DOCS; i++) {
      const doc = await tx.create({
        collection: 'posts',
        data: { title: `Post ${i}`, slug: `post-${i}`, body: 'Lorem ipsum '.repeat(50), views: i },
      })
      if (i % 5 === 0)
        await tx.update({
          collection: 'posts',
          id: doc.id,
          data: { title: `Post ${i} (draft)` },
          draft: true,
        })
    }
  })
  const { token } = await new AuthStore(galley).createToken({ name: 'bench', scope: 'read:drafts' })
  return { galley, token, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
