import { closeGalley } from './close-galley'
import { parseArgs } from 'node:util'
import { isTokenScope, TOKEN_SCOPES } from '@galley/server'
import { UsageError, type CliIo } from '../cli-io'
import { openProject } from './open-project'

export const TOKEN_USAGE = `galley token create --name <name> --scope ${TOKEN_SCOPES.join('|')}
galley token list
galley token revoke <name-or-id>
  API tokens are sent as 'Authorization: Bearer <token>'. Only a SHA-256 of each token is
  stored, so a new token is printed once.`

export async function token(io: CliIo, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      scope: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (sub === 'create') {
    if (!values.name) throw new UsageError('token create needs --name.')
    if (!isTokenScope(values.scope))
      throw new UsageError(`token create needs --scope ${TOKEN_SCOPES.join('|')}.`)
  } else if (sub === 'revoke') {
    if (!positionals[0] && !values.name)
      throw new UsageError('token revoke needs a token name or id.')
  } else if (sub !== 'list') {
    throw new UsageError(
      `Unknown token command ${JSON.stringify(sub ?? '')}; use create, list or revoke.`,
    )
  }
  const { galley, store } = await openProject(io, values)
  try {
    if (sub === 'create') {
      const { token, record } = await store.createToken({
        name: values.name!,
        scope: values.scope as never,
        createdBy: 'cli',
      })
      io.out(`Created token "${record.name}" (${record.scope}). It is shown only now:`)
      io.out(token)
    } else if (sub === 'list') {
      const list = await store.listTokens()
      if (list.length === 0) io.out('No API tokens.')
      for (const t of list)
        io.out(
          `${t.name.padEnd(24)} ${t.scope.padEnd(15)} ${t.prefix}…  created ${t.createdAt}  id ${t.id}`,
        )
    } else {
      const which = positionals[0] ?? values.name!
      const revoked = await store.revokeToken(which)
      if (!revoked) {
        io.err(`No token named or with id ${JSON.stringify(which)}.`)
        return 1
      }
      io.out(`Revoked token "${revoked.name}".`)
    }
    return 0
  } finally {
    await closeGalley(galley)
  }
}
