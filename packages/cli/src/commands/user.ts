import { closeGalley } from './close-galley'
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { isRole, ROLES } from '@galley/server'
import { UsageError, type CliIo } from '../cli-io'
import { openProject } from './open-project'

export const USER_USAGE = `galley user create --email <email> [--role ${ROLES.join('|')}] [--name <name>] [--password <password>]
  Without --password a random one is generated and printed once.`

export async function user(io: CliIo, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub !== 'create')
    throw new UsageError(`Unknown user command ${JSON.stringify(sub ?? '')}; use create.`)
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  })
  if (!values.email) throw new UsageError('user create needs --email.')
  const role = values.role ?? 'editor'
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`)
  const password = values.password ?? randomBytes(12).toString('base64url')
  const { galley, store } = await openProject(io, values)
  try {
    const u = await store.createUser({ email: values.email, password, role, name: values.name })
    io.out(`Created ${role} ${u.email} (id ${u.id}).`)
    if (!values.password) io.out(`Password (shown only now): ${password}`)
    return 0
  } finally {
    await closeGalley(galley)
  }
}
