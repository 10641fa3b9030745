// CPU per operation of the engine on SQLite, and SQL statements per operation, for
// comparing two builds on a shared machine where wall-clock ops/s follow the load.
//
//   npx tsx bench/cpu.ts                          # this tree, 3 rounds
//   npx tsx bench/cpu.ts --base /tmp/galley-base  # this tree and another checkout, alternating
//   --readCache off    every read runs its statements (sqlite({ readCache: false }))
//   --contentMemo off  every row's content is parsed (sqlite({ contentMemo: false }))
//
// Each round runs one child process per build (the order alternating), each on a fresh
// database file: seed, then per phase a warm-up and `process.cpuUsage()` (every thread:
// the checkpoint worker's work is part of a write) around a fixed number of operations.
// Statements are counted in a second pass, after timing, by wrapping better-sqlite3's
// statement methods. The other checkout needs this file copied into its `bench/` and its
// own `node_modules/@galley` links (see BENCHMARKS.md, session 6).
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const PHASES = [
  'findById',
  'findByIdDrafts',
  'findBySlug',
  'findBySlugDrafts',
  'findByCode',
  'findByCategory',
  'create',
  'draftSave',
  'publish',
] as const
type Phase = (typeof PHASES)[number]
interface ChildResult {
  cpu: Record<Phase, number>
  statements: Record<Phase, number>
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}
const num = (name: string, fallback: number) => Number(arg(name) ?? fallback)

if (process.argv.includes('--child')) {
  const result = await child(num('--docs', 2000), num('--ops', 2000), {
    ...(arg('--readCache') === 'off' ? { readCache: false as const } : {}),
    ...(arg('--contentMemo') === 'off' ? { contentMemo: false as const } : {}),
  })
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
  process.exit(0)
} else {
  parent()
}

function parent(): void {
  const here = resolve(import.meta.dirname, '..')
  const base = arg('--base')
  const rounds = num('--rounds', 3)
  const builds: Array<[string, string]> = [['new', here]]
  if (base) {
    copyFileSync(import.meta.filename, join(base, 'bench/cpu.ts'))
    builds.push(['base', resolve(base)])
  }
  const pass = ['--docs', String(num('--docs', 2000)), '--ops', String(num('--ops', 2000))]
  if (arg('--readCache')) pass.push('--readCache', arg('--readCache')!)
  if (arg('--contentMemo')) pass.push('--contentMemo', arg('--contentMemo')!)
  const results: Record<string, ChildResult[]> = {}
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse()
    for (const [name, root] of order) {
      const tsx = join(root, 'node_modules/.bin/tsx')
      const out = spawnSync(
        existsSync(tsx) ? tsx : 'npx',
        [join(root, 'bench/cpu.ts'), '--child', ...pass],
        {
          cwd: root,
          // Workspace packages from their sources, as `npm run bench` runs them.
          env: {
            ...process.env,
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=@galley/source`,
          },
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        },
      )
      const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '))
      if (!line) throw new Error(`${name} failed:\n${out.stdout}\n${out.stderr}`)
      ;(results[name] ??= []).push(JSON.parse(line.slice(7)) as ChildResult)
      process.stderr.write(`round ${r + 1} ${name} done\n`)
    }
  }
  const names = builds.map(([n]) => n)
  const head = ['phase', ...names.flatMap((n) => [`${n} µs CPU (median; all)`, `${n} stmts`])]
  console.log(`| ${head.join(' | ')} |`)
  console.log(`| ${head.map(() => '---').join(' | ')} |`)
  for (const p of PHASES) {
    const cells = names.flatMap((n) => {
      const xs = results[n]!.map((x) => x.cpu[p])
      return [
        `${median(xs).toFixed(1)} (${xs.map((x) => x.toFixed(0)).join(', ')})`,
        String(results[n]![0]!.statements[p]),
      ]
    })
    console.log(`| ${p} | ${cells.join(' | ')} |`)
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function child(
  docs: number,
  ops: number,
  options: { readCache?: false; contentMemo?: false },
): Promise<ChildResult> {
  const Database = (await import('better-sqlite3')).default
  const { createSqliteTarget } = await import('./engine')
  const { seededPost, draftOf } = await import('./lib/workload')
  const file = join(tmpdir(), `galley-cpu-${process.pid}.db`)
  const t = await createSqliteTarget(file, options)
  const ids = (await t.seedPublished(Array.from({ length: docs }, (_, i) => seededPost(i)))).map(
    String,
  )
  // A fifth of the documents carry a pending draft, as in the bench's workload.
  await t.seedDrafts(
    ids.filter((_, i) => i % 5 === 0).map((id, i) => ({ id, data: draftOf(i * 5, 1) })),
  )
  let next = docs
  let drafted = 0
  // Documents with a pending draft, oldest first: each publish really publishes.
  const pending = new Set(ids.filter((_, i) => i % 5 === 0))
  let k = 1
  // A fixed pseudo-random walk (xorshift), the same in every build.
  const rand = (m: number) => {
    k ^= k << 13
    k ^= k >>> 17
    k ^= k << 5
    return (k >>> 0) % m
  }
  const pick = () => ids[rand(docs)]!
  const op: Record<Phase, () => Promise<unknown>> = {
    create: () => t.create(seededPost(next++)),
    draftSave: () => {
      const i = rand(docs)
      pending.add(ids[i]!)
      return t.saveDraft(ids[i]!, draftOf(i, 100 + drafted++))
    },
    publish: () => {
      const id = pending.values().next().value ?? pick()
      pending.delete(id)
      return t.publish(id)
    },
    findById: () => t.findById(pick(), 'published'),
    findByIdDrafts: () => t.findById(pick(), 'drafts'),
    findBySlug: () => t.findBySlug(`post-${rand(docs)}`, 'published'),
    findBySlugDrafts: () => t.findBySlug(`post-${rand(docs)}`, 'drafts'),
    findByCode: () => t.findEqual('code', `code-${rand(docs)}`),
    findByCategory: () => t.findEqual('category', `cat-${rand(50)}`),
  }
  // Let the checkpoint worker start and settle before anything is measured.
  await new Promise((r) => setTimeout(r, 1500))
  const cpu = {} as Record<Phase, number>
  for (const p of PHASES) {
    const reads = p.startsWith('find')
    const n = reads ? ops * 4 : ops
    // Reads are measured on a warm read cache (every document read once before), as the
    // bench's long read phases mostly are; `--readCache off` measures the statements.
    const warm = reads ? docs * 2 : n / 10
    for (let i = 0; i < warm; i++) await op[p]()
    const before = process.cpuUsage()
    for (let i = 0; i < n; i++) await op[p]()
    // The checkpoint worker copies what a phase wrote a little later: its work counts.
    if (!reads) await new Promise((r) => setTimeout(r, 700))
    const used = process.cpuUsage(before)
    cpu[p] = (used.user + used.system) / n
  }
  // Statements per operation: every run/get/all/iterate of a better-sqlite3 statement.
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<
    string,
    (...a: unknown[]) => unknown
  >
  let count = 0
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m]!
    proto[m] = function (this: unknown, ...a: unknown[]) {
      count++
      return orig.apply(this, a)
    }
  }
  const statements = {} as Record<Phase, number>
  for (const p of PHASES) {
    count = 0
    for (let i = 0; i < 50; i++) await op[p]()
    statements[p] = count / 50
  }
  await t.close()
  return { cpu, statements }
}
