// Publishing a 1,000-document release (issue 15's target: at most 2 s on SQLite), on
// SQLite (a file) and PostgreSQL (GALLEY_BENCH_POSTGRES_URL, else skipped). Prints one line
// per store; `runReleaseBench()` returns the figures for bench/run.ts.
// Run alone: NODE_OPTIONS=--conditions=@galley/source npx tsx bench/releases.ts
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropSchemas } from './lib/pg-schema'
import { type StorageAdapter, Releases, createGalley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'

export interface ReleaseBenchResult {
  store: 'sqlite' | 'postgres'
  documents: number
  /** Median of the runs, in ms. */
  publishMs: number
  runs: number[]
}

async function once(make: () => StorageAdapter, n: number): Promise<number> {
  const galley = await createGalley({
    storage: make(),
    collections: [
      {
        slug: 'posts',
        versions: { drafts: true },
        fields: [
          { name: 'title', type: 'text', required: true },
          { name: 'slug', type: 'slug', unique: true },
          { name: 'body', type: 'textarea' },
        ],
      },
    ],
  })
  try {
    const releases = new Releases(galley)
    const rel = await releases.create({ title: 'Bench' })
    await galley.transaction(async (g) => {
      for (let i = 0; i < n; i++) {
        const d = await g.create({
          collection: 'posts',
          data: { title: `Post ${i}`, slug: `post-${i}`, body: 'x'.repeat(600) },
          draft: i % 3 === 0,
        })
        await g.update({
          collection: 'posts',
          id: d.id,
          release: rel.id,
          data: { title: `New ${i}` },
        })
      }
    })
    const started = performance.now()
    await releases.publish({ id: rel.id })
    return performance.now() - started
  } finally {
    await galley.close()
  }
}

export async function runReleaseBench(n = 1000, runs = 3): Promise<ReleaseBenchResult[]> {
  const out: ReleaseBenchResult[] = []
  const dir = mkdtempSync(join(tmpdir(), 'galley-release-bench-'))
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  try {
    const times: number[] = []
    for (let r = 0; r < runs; r++) {
      const file = join(dir, `r${r}.db`)
      times.push(await once(() => sqlite({ file }), n))
    }
    out.push({ store: 'sqlite', documents: n, publishMs: median(times), runs: times })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const url = process.env.GALLEY_BENCH_POSTGRES_URL
  if (url) {
    const schemas: string[] = []
    try {
      const times: number[] = []
      for (let r = 0; r < runs; r++) {
        const schema = `bench_rel_${randomBytes(4).toString('hex')}`
        schemas.push(schema)
        times.push(await once(() => postgres({ connectionString: url, schema }), n))
      }
      out.push({ store: 'postgres', documents: n, publishMs: median(times), runs: times })
    } finally {
      await dropSchemas(url, schemas)
    }
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runReleaseBench()) {
    const verdict =
      r.store === 'sqlite' ? (r.publishMs <= 2000 ? 'PASS (≤ 2 s)' : 'FAIL (> 2 s)') : ''
    console.log(
      `release publish, ${r.documents} documents, ${r.store}: ${r.publishMs.toFixed(0)} ms median of ${r.runs.map((x) => x.toFixed(0)).join(', ')} ${verdict}`,
    )
  }
}
