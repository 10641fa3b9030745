import { closeGalley } from './close-galley'
import { parseArgs } from 'node:util'
import { UsageError, type CliIo } from '../cli-io'
import { openProject } from './open-project'

export const SEED_USAGE = `galley seed [--config galley.config.ts]
  Run the config's exported seed(galley) function (the example blog ships one; it is safe to run twice).`

export async function seed(io: CliIo, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, 'data-dir': { type: 'string' } },
    strict: true,
  })
  const { project, galley } = await openProject(io, values)
  try {
    if (!project.seed)
      throw new UsageError(`${project.configPath} exports no seed(galley) function.`)
    const n = await project.seed(galley)
    io.out(`Seed finished${typeof n === 'number' ? `: ${n} documents created` : ''}.`)
    return 0
  } finally {
    await closeGalley(galley)
  }
}
