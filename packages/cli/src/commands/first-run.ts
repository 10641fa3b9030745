import { randomBytes } from 'node:crypto'
import type { Galley } from '@galley/core'
import type { AuthStore } from '@galley/server'
import type { CliIo } from '../cli-io'
import type { Project } from '../load-project'

/** Name of the read token made on the first run. */
export const FIRST_TOKEN_NAME = 'dev-preview'

/**
 * On a project's first run (no users yet): seed its example content, then create the first
 * admin and a `read:drafts` token and print both — the only time they are shown, since
 * only hashes are stored. Later runs print nothing here.
 */
export async function firstRun(
  io: CliIo,
  project: Project,
  galley: Galley,
  store: AuthStore,
): Promise<boolean> {
  if ((await store.countUsers()) > 0) return false
  if (project.seed) {
    const n = await project.seed(galley)
    io.out(`Seeded example content${typeof n === 'number' ? ` (${n} documents)` : ''}.`)
  }
  const email = io.env.GALLEY_ADMIN_EMAIL ?? 'admin@galley.local'
  const password = io.env.GALLEY_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url')
  await store.createUser({ email, password, role: 'admin', name: 'Admin' })
  const existing = (await store.listTokens()).some((t) => t.name === FIRST_TOKEN_NAME)
  const token = existing
    ? null
    : await store.createToken({
        name: FIRST_TOKEN_NAME,
        scope: 'read:drafts',
        createdBy: 'galley dev',
      })
  io.out('')
  io.out('First run — save these now, they are not shown again:')
  io.out(`  Admin login:  ${email}  /  ${password}`)
  if (token)
    io.out(`  Read token:   ${token.token}  (scope read:drafts, name "${FIRST_TOKEN_NAME}")`)
  io.out('')
  return true
}
