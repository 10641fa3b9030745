import { closeGalley } from './close-galley'
import { parseArgs } from 'node:util'
import { createGalley } from '@galley/core'
import type { CliIo } from '../cli-io'
import { loadProject } from '../load-project'

export const MIGRATE_USAGE = `galley migrate [--config galley.config.ts]
  Apply pending storage migrations and create the field indexes the config asks for.`

export async function migrate(io: CliIo, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, 'data-dir': { type: 'string' } },
    strict: true,
  })
  const project = await loadProject({
    cwd: io.cwd,
    env: io.env,
    config: values.config,
    dataDir: values['data-dir'],
  })
  const storage = project.config.storage as typeof project.config.storage & {
    migrate?: () => Promise<Array<{ version: number; name: string }>>
  }
  const applied = storage.migrate ? await storage.migrate() : []
  // init (inside createGalley) syncs the field indexes of the current config.
  const galley = await createGalley(project.config)
  await closeGalley(galley)
  if (applied.length === 0) io.out(`Storage (${storage.name}) is up to date; field indexes synced.`)
  else for (const m of applied) io.out(`Applied migration ${m.version}: ${m.name}`)
  return 0
}
