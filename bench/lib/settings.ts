// Sizes of one benchmark run. The full sizes are the (10,000 documents, 2,000 with
// history, 5 and 20 revisions); GALLEY_BENCH_QUICK shrinks everything for a smoke run.

export interface Sizes {
  /** Published documents seeded before measuring. */
  docs: number
  /** How many of them get `revisions` draft saves, so their status is `changed`. */
  changed: number
  /** Draft saves per changed document (the history length). */
  revisions: number
  /** Each measured phase runs at least this many ops ... */
  minOps: number
  /** ... and at least this long (seconds), so fast systems are not timed over a blink. */
  minSeconds: number
  /** Untimed ops of the same kind before each phase (JIT, statement caches, page cache). */
  warmup: number
}

export interface Settings {
  quick: boolean
  revisionCounts: number[]
  base: Omit<Sizes, 'revisions'>
  skipPeers: boolean
  /** Payload's journal settings to run: `wal` (WAL + NORMAL, like Galley) and/or `default`. */
  payloadModes: Array<'wal' | 'default'>
  skipPostgres: boolean
  skipSqlite: boolean
  /** Skip the extra SQLite run with the read cache off. */
  skipUncached: boolean
  postgresUrl: string
}

function flag(name: string): boolean {
  const v = process.env[name]
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

function num(name: string, fallback: number): number {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got ${v}`)
  return n
}

export function readSettings(argv: readonly string[] = process.argv.slice(2)): Settings {
  const quick = flag('GALLEY_BENCH_QUICK') || argv.includes('--quick')
  const base = quick
    ? { docs: 1000, changed: 200, minOps: 200, minSeconds: 0.3, warmup: 20 }
    : { docs: 10_000, changed: 2000, minOps: 2000, minSeconds: 2, warmup: 200 }
  const revisionCounts = (process.env.GALLEY_BENCH_REVISIONS ?? (quick ? '5' : '5,20'))
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
  return {
    quick,
    revisionCounts,
    base: {
      docs: num('GALLEY_BENCH_DOCS', base.docs),
      changed: num('GALLEY_BENCH_CHANGED', base.changed),
      minOps: num('GALLEY_BENCH_OPS', base.minOps),
      minSeconds: num('GALLEY_BENCH_SECONDS', base.minSeconds),
      warmup: num('GALLEY_BENCH_WARMUP', base.warmup),
    },
    skipPeers: flag('GALLEY_BENCH_SKIP_PEERS') || argv.includes('--skip-peers'),
    payloadModes: (process.env.GALLEY_BENCH_PAYLOAD_MODES ?? 'wal,default')
      .split(',')
      .map((m) => m.trim())
      .filter((m): m is 'wal' | 'default' => m === 'wal' || m === 'default'),
    skipPostgres: flag('GALLEY_BENCH_SKIP_POSTGRES') || argv.includes('--skip-postgres'),
    skipSqlite: flag('GALLEY_BENCH_SKIP_SQLITE') || argv.includes('--skip-sqlite'),
    skipUncached: flag('GALLEY_BENCH_SKIP_UNCACHED') || argv.includes('--skip-uncached'),
    postgresUrl:
      process.env.GALLEY_BENCH_POSTGRES_URL ??
      process.env.GALLEY_TEST_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/test',
  }
}
