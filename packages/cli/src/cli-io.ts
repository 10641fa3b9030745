/** Where a command writes and what it runs in; tests pass their own. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  cwd: string
  env: Record<string, string | undefined>
}

export const processIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  cwd: process.cwd(),
  env: process.env,
}

/** A mistake in how a command was called: printed with usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
