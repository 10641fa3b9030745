import { GalleyError } from '@galley/core'
import { UsageError, type CliIo } from './cli-io'
import { DEV_USAGE, startDev } from './commands/dev'
import { MIGRATE_USAGE, migrate } from './commands/migrate'
import { PREVIEW_USAGE, previewUrl } from './commands/preview-url'
import { SEED_USAGE, seed } from './commands/seed'
import { TOKEN_USAGE, token } from './commands/token'
import { USER_USAGE, user } from './commands/user'

export const USAGE = [
  `Usage: galley <command>`,
  '',
  DEV_USAGE,
  '',
  MIGRATE_USAGE,
  '',
  PREVIEW_USAGE,
  '',
  SEED_USAGE,
  '',
  TOKEN_USAGE,
  '',
  USER_USAGE,
].join('\n')

/**
 * Run one CLI command. `dev` resolves with the running server (`wait` until it should stop);
 * every other command resolves with its exit code.
 */
export async function runCli(
  argv: string[],
  io: CliIo,
): Promise<{ code: number; dev?: { url: string; close(): Promise<void> } }> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'dev':
        return { code: 0, dev: await startDev(io, rest) }
      case 'migrate':
        return { code: await migrate(io, rest) }
      case 'preview':
        return { code: await previewUrl(io, rest) }
      case 'seed':
        return { code: await seed(io, rest) }
      case 'token':
        return { code: await token(io, rest) }
      case 'user':
        return { code: await user(io, rest) }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE)
        return { code: command === undefined ? 2 : 0 }
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`)
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`galley: ${(err as Error).message}`)
      io.err('')
      io.err(USAGE)
      return { code: 2 }
    }
    if (err instanceof GalleyError) {
      io.err(`galley: ${err.message}`)
      return { code: 1 }
    }
    throw err
  }
}
