// What the widest filters the where language accepts cost (issue 11: "filters within every
// limit can cost seconds"), against one condition on the same data in the same process:
// 2,000 documents of ~5 KB with an array, arrays three deep and a 3 KB text, read cache off,
// one `find({ limit: 20 })` (page and totalDocs) per timing, median of 5 after a warm-up.
// On SQLite (a file) and PostgreSQL (GALLEY_BENCH_POSTGRES_URL, else skipped).
// Run alone: NODE_OPTIONS=--conditions=@galley/source npx tsx bench/where-cost.ts
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropSchemas } from './lib/pg-schema'
import { type CollectionConfig, type StorageAdapter, type Where, createGalley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'
import { createRng, randomInt } from './lib/rng'

const DOCS = 2000

const posts: CollectionConfig = {
  slug: 'posts',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'body', type: 'textarea' },
    { name: 'tags', type: 'array', fields: [{ name: 'name', type: 'text' }] },
    {
      name: 'sections',
      type: 'array',
      fields: [
        {
          name: 'items',
          type: 'array',
          fields: [{ name: 'notes', type: 'array', fields: [{ name: 'text', type: 'text' }] }],
        },
      ],
    },
  ],
}

const likes = (path: string, n: number, op = 'like'): Where[] =>
  Array.from({ length: n }, (_, i) => ({ [path]: { [op]: `zz${i}` } }))

/** The filters timed; the first is the baseline the others are divided by. */
export const SHAPES: Array<{ name: string; where: Where }> = [
  { name: 'one like on tags.name (baseline)', where: { 'tags.name': { like: 'zz' } } },
  { name: 'or of 100 likes on tags.name', where: { or: likes('tags.name', 100) } },
  {
    name: 'or of 100 likes through three arrays',
    where: { or: likes('sections.items.notes.text', 100) },
  },
  { name: 'or of 100 likes on a 3 KB text', where: { or: likes('body', 100) } },
  {
    name: 'and of 100 not_equals on tags.name (one NOT EXISTS)',
    where: { and: likes('tags.name', 100, 'not_equals') },
  },
  // Every branch true for every document, so an `and` evaluates them all.
  {
    name: 'and of 24 exists on tags.name (24 array reads)',
    where: { and: Array.from({ length: 24 }, () => ({ 'tags.name': { exists: true } })) },
  },
  {
    name: 'and of 8 exists through three arrays (24 array reads)',
    where: {
      and: Array.from({ length: 8 }, () => ({ 'sections.items.notes.text': { exists: true } })),
    },
  },
]

export interface WhereCostResult {
  store: 'sqlite' | 'postgres'
  /** Median ms per find, by shape name. */
  ms: Record<string, number>
}

async function measure(storage: StorageAdapter): Promise<Record<string, number>> {
  const g = await createGalley({ storage, collections: [posts] })
  try {
    const rng = createRng(5)
    const word = () => randomInt(rng, 36 ** 6).toString(36)
    await g.transaction(async (t) => {
      for (let i = 0; i < DOCS; i++)
        await t.create({
          collection: 'posts',
          data: {
            title: `Post ${i}`,
            body: Array.from({ length: 430 }, word).join(' ').slice(0, 3000),
            tags: Array.from({ length: 5 }, () => ({ name: word() })),
            sections: Array.from({ length: 3 }, () => ({
              items: Array.from({ length: 3 }, () => ({
                notes: [{ text: word() }, { text: word() }],
              })),
            })),
          },
        })
    })
    const ms: Record<string, number> = {}
    for (const { name, where } of SHAPES) {
      const once = async () => {
        const start = performance.now()
        await g.find({ collection: 'posts', where, limit: 20 })
        return performance.now() - start
      }
      await once()
      const times: number[] = []
      for (let i = 0; i < 5; i++) times.push(await once())
      ms[name] = times.sort((a, b) => a - b)[2]!
    }
    return ms
  } finally {
    await g.close()
  }
}

export async function runWhereCostBench(): Promise<WhereCostResult[]> {
  const out: WhereCostResult[] = []
  const dir = mkdtempSync(join(tmpdir(), 'galley-where-bench-'))
  try {
    out.push({
      store: 'sqlite',
      ms: await measure(sqlite({ file: join(dir, 'w.db'), readCache: false })),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const url = process.env.GALLEY_BENCH_POSTGRES_URL
  if (url) {
    const schema = `bench_where_${randomBytes(4).toString('hex')}`
    try {
      out.push({
        store: 'postgres',
        ms: await measure(postgres({ connectionString: url, schema })),
      })
    } finally {
      await dropSchemas(url, [schema])
    }
  }
  return out
}

/** A Markdown table: ms per find and × the baseline, one column pair per store. */
export function renderWhereCost(results: WhereCostResult[]): string {
  const base = SHAPES[0]!.name
  const head = `| filter (${DOCS} documents, limit 20 + totalDocs) | ${results.map((r) => `${r.store} ms | × one like`).join(' | ')} |`
  const rule = `|---|${results.map(() => '---:|---:').join('|')}|`
  const rows = SHAPES.map(
    ({ name }) =>
      `| ${name} | ${results
        .map((r) => `${r.ms[name]!.toFixed(1)} | ${(r.ms[name]! / r.ms[base]!).toFixed(1)}×`)
        .join(' | ')} |`,
  )
  return [head, rule, ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderWhereCost(await runWhereCostBench()))
}
