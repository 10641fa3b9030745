import { closeGalley } from './close-galley'
import { parseArgs } from 'node:util'
import { relative } from 'node:path'
import { createServer, serveNode } from '@galley/server'
import { UsageError, type CliIo } from '../cli-io'
import { firstRun } from './first-run'
import { openProject } from './open-project'

export const DEV_USAGE = `galley dev [--port 4000] [--host 0.0.0.0] [--config galley.config.ts] [--data-dir .galley]
  Start the API with the project's config (or the example blog). On the first run it seeds
  example content and prints an admin login and a read token once.`

/** Start the dev server; resolves once it listens. `close()` stops it and the engine. */
export async function startDev(
  io: CliIo,
  argv: string[],
): Promise<{ url: string; close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  })
  const portText = values.port ?? io.env.PORT ?? '4000'
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new UsageError(`--port must be a port number (0–65535); got ${portText}.`)
  const { project, galley, store } = await openProject(io, values)
  try {
    await firstRun(io, project, galley, store)
    const server = createServer({ galley, ...project.server })
    const http = await serveNode(server, { port: Number(portText), hostname: values.host })
    const api = `${http.url}/api`
    const where = project.isExample
      ? 'example blog (no galley.config.ts here)'
      : relative(io.cwd, project.configPath)
    io.out(`Galley dev server — ${where}`)
    io.out(`API: ${api}`)
    io.out(`GraphQL: ${api}/graphql`)
    io.out(`Data: ${relative(io.cwd, project.dataDir) || '.'}/`)
    const slugs = [...galley.config.collections.keys()].filter(
      (s) => !s.startsWith('galley-') && s !== 'users',
    )
    for (const s of slugs.slice(0, 4)) io.out(`  ${api}/${s}`)
    for (const g of [...galley.config.globals.keys()].slice(0, 2)) io.out(`  ${api}/globals/${g}`)
    const sample = slugs.includes('posts') ? 'posts' : slugs[0]
    if (sample)
      io.out(`Drafts: curl -H "Authorization: Bearer <token>" "${api}/${sample}?draft=true"`)
    return {
      url: http.url,
      async close() {
        await http.close()
        await closeGalley(galley)
      },
    }
  } catch (err) {
    await closeGalley(galley)
    throw err
  }
}
