// Entry point of the Payload peer benchmark, run in its own process by bench/run.ts
// (or by hand: `npx tsx bench/peers/payload/run.ts`). It installs its own dependencies
// on first use, so the root `npm install` never pulls Payload in, then runs the shared
// workload and prints one `GALLEY_BENCH_RESULT {json}` line on stdout.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveChild } from '../../lib/peer'

const here = dirname(fileURLToPath(import.meta.url))

function installedVersion(): string | null {
  const pkg = join(here, 'node_modules', 'payload', 'package.json')
  if (!existsSync(pkg)) return null
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

function ensureInstalled(): string {
  const wanted = (
    JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
  ).dependencies.payload
  if (installedVersion() !== wanted) {
    process.stderr.write(`payload peer: installing payload@${wanted} into ${here} ...\n`)
    // stdout stays reserved for the result line, so npm's output goes to stderr.
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: here,
      stdio: ['ignore', 2, 2],
    })
    if (r.status !== 0) throw new Error(`npm install in ${here} failed (exit ${r.status})`)
  }
  const got = installedVersion()
  if (got !== wanted) throw new Error(`payload ${wanted} wanted, ${got ?? 'nothing'} installed`)
  return got
}

serveChild('payload peer', async (sizes) => {
  const version = ensureInstalled()
  // Imported only now: before the install above there is nothing to import.
  const { createPayloadTarget } = await import('./payload-target')
  const file = join(here, '.data', `payload-${process.pid}-${sizes.revisions}.db`)
  return { target: await createPayloadTarget(file), extra: { version } }
})
