// Builds native/wal-batch.c and native/busy-wait.c (see there) into native/build/wal-batch.so with the C compiler
// that built better-sqlite3. Never fails the install: without it, the store works the same,
// only with more write calls per commit (sqlite() reports which it uses).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const sources = ['wal-batch.c', 'busy-wait.c'].map((name) => join(root, 'native', name))
const output = join(
  root,
  'native',
  'build',
  process.platform === 'darwin' ? 'wal-batch.dylib' : 'wal-batch.so',
)

export function buildWalBatch({ quiet = false } = {}) {
  if (process.platform === 'win32') return undefined
  if (
    existsSync(output) &&
    sources.every((source) => statSync(output).mtimeMs >= statSync(source).mtimeMs)
  )
    return output
  try {
    const include = join(
      dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
      'deps',
      'sqlite3',
    )
    mkdirSync(dirname(output), { recursive: true })
    const cc = process.env.CC || 'cc'
    const shared =
      process.platform === 'darwin' ? ['-dynamiclib', '-undefined', 'dynamic_lookup'] : ['-shared']
    execFileSync(cc, ['-O2', '-fPIC', ...shared, '-I', include, '-o', output, ...sources], {
      stdio: quiet ? 'ignore' : 'inherit',
    })
    return output
  } catch (err) {
    if (!quiet)
      console.warn(
        `[galley] could not build the WAL batching extension (${err.message}); SQLite will write each WAL frame with two calls instead of one per commit.`,
      )
    return undefined
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildWalBatch()
