/**
 * A server process publishing a release, to be killed mid-way: `node --import tsx
 * release-child.ts <sqlite-file | postgres-url> <schema> <releaseId>`. An afterPublish hook
 * prints `mid` after half the documents are published (inside the transaction) and then
 * stalls, so the parent can SIGKILL it while the transaction is open.
 */
import { createGalley, Releases, type StorageAdapter } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'
import { crashPosts } from './crash-config'

const [where, schema, releaseId, total] = process.argv.slice(2) as [string, string, string, string]
const storage: StorageAdapter = where.startsWith('postgres')
  ? postgres({ connectionString: where, schema, pool: { max: 2 } })
  : sqlite({ file: where })
let published = 0
const galley = await createGalley({
  storage,
  collections: [
    crashPosts({
      afterPublish: async () => {
        if (++published === Math.floor(Number(total) / 2)) {
          process.stdout.write('mid\n')
          await new Promise((r) => setTimeout(r, 30_000))
        }
      },
    }),
  ],
})
await new Releases(galley).publish({ id: releaseId })
process.stdout.write('finished\n')
await galley.close()
