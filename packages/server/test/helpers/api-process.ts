/**
 * One Galley API process for the multi-process tests and the events bench:
 * `node --import tsx api-process.ts <sqlite-file | postgres-url> [schema]`. Opens the blog
 * config on that database, serves it on a free 127.0.0.1 port, prints `port <n>`, and runs
 * until stdin closes (the parent's end) or SIGTERM.
 */
import { createGalley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'
import { createServer, serveNode, withAuth } from '../../src/index'
import { blogConfig } from './blog'

const [target, schema] = process.argv.slice(2) as [string, string | undefined]
const storage = /^postgres(ql)?:\/\//.test(target)
  ? postgres({ connectionString: target, schema, pool: { max: 4 } })
  : sqlite({ file: target })
const galley = await createGalley(withAuth(blogConfig(storage)))
const server = createServer({
  galley,
  logger: { error: (...a: unknown[]) => console.error(...a), warn() {} },
  responseCache: false,
})
const served = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
console.log(`port ${served.port}`)
let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  await served.close()
  await galley.close()
  process.exit(0)
}
process.stdin.on('end', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
