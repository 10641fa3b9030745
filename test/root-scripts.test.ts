import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('..', import.meta.url))

/**
 * What the README and `npm run dev` tell a developer of this repository to type: a fresh
 * clone has no `galley` command on its PATH (npm links a workspace's bin only when its
 * built file exists at install, and packages are built after), so the CLI runs as
 * `npm run galley -- <command>` from its sources.
 */
describe('root scripts', () => {
  it('npm run galley -- --help runs the CLI from its sources', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', 'galley', '--silent', '--', '--help'],
      {
        cwd: repo,
        timeout: 60_000,
      },
    )
    for (const command of ['dev', 'token', 'user', 'preview']) expect(stdout).toContain(command)
  }, 60_000)
})
