import { createGalley, type Galley } from '@galley/core'
import { AuthStore } from '@galley/server'
import type { CliIo } from '../cli-io'
import { loadProject, type Project } from '../load-project'

export interface GlobalFlags {
  config?: string
  'data-dir'?: string
}

/** Load the project and start its engine; the caller closes `galley`. */
export async function openProject(
  io: CliIo,
  flags: GlobalFlags,
): Promise<{ project: Project; galley: Galley; store: AuthStore }> {
  const project = await loadProject({
    cwd: io.cwd,
    env: io.env,
    config: flags.config,
    dataDir: flags['data-dir'],
  })
  const galley = await createGalley(project.config)
  return { project, galley, store: new AuthStore(galley) }
}
