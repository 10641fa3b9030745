// Galley on SQLite in a process of its own, for bench/run.ts: the configuration without
// the read cache takes its turns beside Payload's process (startSteppedPeer), so neither
// the in-process target's heap (its read cache holds up to 64 MiB) nor code compiled for
// its reads is part of what this one measures; a deployment runs one configuration per
// process. Env: GALLEY_BENCH_READ_CACHE=off, and the peer protocol's (bench/lib/peer.ts).
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSqliteTarget } from './engine'
import { RESULT_MARKER, STEPS_ENV, serveSteps, sizesFromEnv } from './lib/peer'
import { prepareWorkload, runWorkload } from './lib/workload'

async function main(): Promise<void> {
  const sizes = sizesFromEnv()
  const dir = fileURLToPath(new URL('./.data/', import.meta.url))
  const readCache = process.env.GALLEY_BENCH_READ_CACHE === 'off' ? false : undefined
  const file = join(dir, `galley-child-${process.pid}-${sizes.revisions}.db`)
  const target = await createSqliteTarget(file, readCache === false ? { readCache } : {})
  const log = (l: string) => process.stderr.write(`  ${l}\n`)
  try {
    const result = process.env[STEPS_ENV]
      ? await serveSteps(await prepareWorkload(target, sizes, { log }))
      : await runWorkload(target, sizes, { log })
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`)
  } finally {
    await target.close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `galley child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    process.exit(1)
  },
)
