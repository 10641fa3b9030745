// One Galley API process for bench/events.ts: `events-server.ts <sqlite-file | postgres-url>
// [schema]`. Serves a posts collection on a free 127.0.0.1 port and prints `port <n> token
// <write token>` (the token is created by each process; any of them works on the shared
// database), then runs until stdin closes.
import { createGalley, defineConfig } from '@galley/core'
import { AuthStore, createServer, serveNode, withAuth } from '@galley/server'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'

const [target, schema] = process.argv.slice(2) as [string, string | undefined]
const storage = /^postgres(ql)?:\/\//.test(target)
  ? postgres({ connectionString: target, schema, pool: { max: 4 } })
  : sqlite({ file: target })
const galley = await createGalley(
  withAuth(
    defineConfig({
      storage,
      collections: [
        {
          slug: 'posts',
          versions: { drafts: true },
          fields: [{ name: 'title', type: 'text', required: true }],
        },
      ],
    }),
  ),
)
const { token } = await new AuthStore(galley).createToken({
  name: `bench-${process.pid}`,
  scope: 'write',
})
// Every bench listener comes from 127.0.0.1: lift the per-client cap (default 100).
const server = createServer({
  galley,
  logger: { error: console.error, warn() {} },
  events: { maxListenersPerClient: 10_000 },
})
const served = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
console.log(`port ${served.port} token ${token}`)
process.stdin.on('end', async () => {
  await served.close()
  await galley.close()
  process.exit(0)
})
process.stdin.resume()
