// Galley on SQLite in a process of its own, for bench/run.ts: the configuration without
// the read cache takes its turns beside Payload's process (startSteppedPeer), so neither
// the in-process target's heap (its read cache holds up to 64 MiB) nor code compiled for
// its reads is part of what this one measures; a deployment runs one configuration per
// process. Env: GALLEY_BENCH_READ_CACHE=off, GALLEY_BENCH_CONTENT_MEMO=off (every row's
// content parsed: what a read of content never read before costs), and the peer
// protocol's (bench/lib/peer.ts).
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSqliteTarget } from './engine'
import { serveChild } from './lib/peer'

serveChild('galley child', async (sizes) => {
  const dir = fileURLToPath(new URL('./.data/', import.meta.url))
  const file = join(dir, `galley-child-${process.pid}-${sizes.revisions}.db`)
  const uncached = process.env.GALLEY_BENCH_READ_CACHE === 'off'
  const unparsed = process.env.GALLEY_BENCH_CONTENT_MEMO === 'off'
  return {
    target: await createSqliteTarget(file, {
      ...(uncached ? { readCache: false } : {}),
      ...(unparsed ? { contentMemo: false } : {}),
    }),
  }
})
