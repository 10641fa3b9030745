/**
 * One API server with its job runner, as a separate process: `node --import tsx
 * job-server.ts <postgres-url | sqlite-file> <schema> <runner-name>`. Prints `ready <url>`.
 */
import { createGalley, type StorageAdapter } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'
import { createServer, serveNode } from '../../src/index'
import { blogConfig } from './blog'

const [where, schema, name] = process.argv.slice(2) as [string, string, string]
const storage: StorageAdapter = where.startsWith('postgres')
  ? postgres({ connectionString: where, schema, pool: { max: 3 } })
  : sqlite({ file: where })
const galley = await createGalley(blogConfig(storage))
const server = createServer({ galley, jobs: { pollMs: 200, name }, logger: console })
const http = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
process.stdout.write(`ready ${http.url}\n`)
