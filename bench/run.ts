// `npm run bench`: the whole comparison in one run. For each history length it benchmarks
// Galley on SQLite and PostgreSQL in this process and Payload 3.90 in its own process on
// the identical workload, then prints ops/s, ratios and PASS/FAIL against the issue's
// targets. Env: GALLEY_BENCH_QUICK=1 (small sizes), GALLEY_BENCH_SKIP_PEERS=1,
// GALLEY_BENCH_SKIP_POSTGRES=1, GALLEY_BENCH_SKIP_SQLITE=1, GALLEY_BENCH_REVISIONS=5,20,
// GALLEY_BENCH_PAYLOAD_MODES=wal,default, GALLEY_BENCH_DOCS / _CHANGED / _OPS / _SECONDS /
// _WARMUP, GALLEY_BENCH_POSTGRES_URL, GALLEY_BENCH_SKIP_HTTP=1 (no bench/http at the end),
// GALLEY_BENCH_SKIP_UNCACHED=1 (no run of SQLite without its read cache),
// GALLEY_BENCH_SKIP_RELEASES=1 (no release publish at the end), GALLEY_BENCH_SKIP_WHERE=1
// (no widest-filter costs), GALLEY_BENCH_SKIP_EVENTS=1
// (no live-events delivery to 500 listeners), GALLEY_BENCH_SKIP_STUDIO=1
// (no Studio in Chromium at the end), GALLEY_BENCH_SKIP_VISUAL_EDITING=1 (no live preview).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { createPostgresTarget, createSqliteTarget } from './engine'
import { runHttpBench } from './http/http-bench'
import { type SteppedPeer, runPeer, startSteppedPeer } from './lib/peer'
import { untilQuiet } from './lib/quiet'
import { renderSection, renderVerdicts, type Outcome, type Verdict } from './lib/report'
import { readSettings, type Sizes } from './lib/settings'
import type { BenchTarget } from './lib/target'
import { STEP_NAMES, prepareWorkload, runWorkload } from './lib/workload'

const dataDir = fileURLToPath(new URL('./.data/', import.meta.url))
const log = (line: string) => process.stderr.write(`  ${line}\n`)

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function runEngine(
  open: () => Promise<BenchTarget>,
  name: string,
  sizes: Sizes,
): Promise<Outcome> {
  let target: BenchTarget | undefined
  try {
    target = await open()
    return { target: name, result: await runWorkload(target, sizes, { log }) }
  } catch (err) {
    log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    return { target: name, error: message(err) }
  } finally {
    if (target) await closeWithin(target, name, 30_000)
  }
}

/** One side of runInTurns: a target in this process, or a process of its own. */
interface Side extends SteppedPeer {
  name: string
}

/** Galley in this process as a side: opened and seeded at once. */
function inProcess(name: string, open: () => Promise<BenchTarget>, sizes: Sizes): Side {
  let target: BenchTarget | undefined
  const workload = (async () => {
    target = await open()
    return prepareWorkload(target, sizes, { log })
  })()
  return {
    name,
    pid: process.pid,
    ready: workload.then(() => undefined),
    async step(step) {
      await (await workload).steps.find((s) => s.name === step)!.run()
    },
    async finish() {
      try {
        return (await workload).result()
      } finally {
        if (target) await closeWithin(target, name, 30_000)
      }
    },
  }
}

/** A process of its own as a side (bench/lib/peer.ts). */
function inChild(name: string, script: string, env: Record<string, string>, sizes: Sizes): Side {
  return { name, ...startSteppedPeer(script, sizes, env) }
}

/**
 * Galley on SQLite (here, with its read cache), Galley without its read cache (a process of
 * its own) and the verdicts' baseline (Payload with WAL, in its own process) in turns: all
 * seed, then they take each timed step one after the other, the order rotating (G U P,
 * U P G, P G U …), so a machine whose speed drifts over minutes slows every side of each
 * ratio alike instead of whichever happened to run later. Before each step every process
 * must have gone quiet: Payload's process kept two cores busy for a second or two after its
 * write steps, which halved Galley's first slices when it followed.
 */
async function runInTurns(sides: Side[]): Promise<Outcome[]> {
  const errors = new Map<Side, string>()
  const fail = (side: Side, err: unknown) => {
    if (errors.has(side)) return
    errors.set(side, message(err))
    log(`${side.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  }
  for (const side of sides) await side.ready.catch((err: unknown) => fail(side, err))
  for (const [i, name] of STEP_NAMES.entries()) {
    const first = i % sides.length
    for (const side of [...sides.slice(first), ...sides.slice(0, first)]) {
      if (errors.has(side)) continue
      // No side's leftovers (a GC, checkpoints, writeback) may run into another's step.
      const waited = await untilQuiet([...new Set(sides.map((s) => s.pid))])
      if (waited > 1000) log(`waited ${(waited / 1000).toFixed(1)} s for the processes to go quiet`)
      await side.step(name).catch((err: unknown) => fail(side, err))
    }
  }
  // Only sides that ran every step took turns with each other.
  const others = (side: Side) =>
    sides
      .filter((s) => s !== side && !errors.has(s))
      .map((s) => s.name)
      .join(' and ')
  const outcomes: Outcome[] = []
  for (const side of sides) {
    try {
      // Ends a child; it reports a result only if it ran every step.
      const result = await side.finish()
      const error = errors.get(side)
      outcomes.push(
        error
          ? { target: side.name, error }
          : { target: side.name, result, inTurnsWith: others(side) },
      )
    } catch (err) {
      outcomes.push({ target: side.name, error: errors.get(side) ?? message(err) })
    }
  }
  return outcomes
}

/**
 * Close a target under a ref'd deadline timer. The timer also keeps the event loop alive:
 * a close that only waits on unref'd handles (a worker's exit, say) would otherwise let
 * Node exit silently in the middle of the run.
 */
async function closeWithin(target: BenchTarget, name: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  try {
    const r = await Promise.race([target.close().then(() => 'closed' as const), deadline])
    if (r === 'timeout') log(`${name}: close() did not finish within ${ms / 1000} s; going on`)
  } catch (err) {
    log(`${name} close failed: ${message(err)}`)
  } finally {
    clearTimeout(timer)
  }
}

/** Which engine was measured: the commit, and whether packages/ had uncommitted changes. */
function engineRevision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const head = git('rev-parse', '--short', 'HEAD')
    const dirty = git('status', '--porcelain', '--', 'packages').split('\n').filter(Boolean).length
    return dirty ? `${head} + ${dirty} uncommitted file(s) in packages/` : head
  } catch {
    return 'unknown (no git)'
  }
}

async function main(): Promise<void> {
  const settings = readSettings()
  mkdirSync(dataDir, { recursive: true })
  const started = new Date()
  // Taken now: the engine's modules are loaded from the working tree at the start.
  const engine = engineRevision()
  process.stderr.write(
    `galley bench: ${settings.quick ? 'QUICK' : 'full'} run, revisions ${settings.revisionCounts.join(', ')}, ` +
      `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}\n`,
  )
  const sections: string[] = []
  const verdicts: Verdict[] = []
  const all: Record<number, Outcome[]> = {}
  for (const revisions of settings.revisionCounts) {
    const sizes: Sizes = { ...settings.base, revisions }
    const outcomes: Outcome[] = []
    const withLoads = async (run: () => Promise<Outcome[]>) => {
      const before = os.loadavg()[0] ?? 0
      const results = await run()
      for (const o of results) outcomes.push({ ...o, load: [before, os.loadavg()[0] ?? 0] })
    }
    const withLoad = (run: () => Promise<Outcome>) => withLoads(async () => [await run()])
    const peerEnv = (mode: 'wal' | 'default') => ({
      GALLEY_BENCH_PAYLOAD_WAL: mode === 'wal' ? '1' : '0',
    })
    const peerName = (mode: 'wal' | 'default') =>
      mode === 'wal' ? 'payload-sqlite-wal' : 'payload-sqlite'
    // The verdict's pair runs in turns; everything else one after the other.
    const inTurns =
      !settings.skipSqlite && !settings.skipPeers && settings.payloadModes.includes('wal')
    if (!settings.skipSqlite) {
      const file = `${dataDir}galley-${process.pid}-${revisions}.db`
      if (inTurns) {
        // Every verdict's pair takes turns, the uncached one too, each Galley configuration
        // as a deployment runs it: one per process (see bench/engine-child.ts).
        const sides = [inProcess('galley-sqlite', () => createSqliteTarget(file), sizes)]
        if (!settings.skipUncached)
          sides.push(
            inChild(
              'galley-sqlite-uncached',
              '../engine-child.ts',
              { GALLEY_BENCH_READ_CACHE: 'off' },
              sizes,
            ),
          )
        sides.push(inChild(peerName('wal'), '../peers/payload/run.ts', peerEnv('wal'), sizes))
        await withLoads(() => runInTurns(sides))
      } else {
        await withLoad(() => runEngine(() => createSqliteTarget(file), 'galley-sqlite', sizes))
        // In a process of its own here too (see inChild).
        if (!settings.skipUncached)
          await withLoad(async () => {
            const target = 'galley-sqlite-uncached'
            try {
              const env = { GALLEY_BENCH_READ_CACHE: 'off' }
              return { target, result: await runPeer('../engine-child.ts', sizes, env) }
            } catch (err) {
              return { target, error: message(err) }
            }
          })
      }
    }
    if (!settings.skipPostgres) {
      await withLoad(() =>
        runEngine(() => createPostgresTarget(settings.postgresUrl), 'galley-postgres', sizes),
      )
    }
    if (!settings.skipPeers) {
      for (const mode of settings.payloadModes) {
        if (inTurns && mode === 'wal') continue
        const target = peerName(mode)
        await withLoad(async () => {
          try {
            return {
              target,
              result: await runPeer('../peers/payload/run.ts', sizes, peerEnv(mode)),
            }
          } catch (err) {
            return { target, error: message(err) }
          }
        })
      }
    }
    all[revisions] = outcomes
    sections.push(renderSection(sizes, outcomes, verdicts))
  }
  const seconds = (Date.now() - started.getTime()) / 1000
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`
  const header = `Run of ${started.toISOString()} on ${machine}; engine at ${engine}.`
  const report = [
    header,
    '',
    sections.join('\n\n'),
    '',
    '#### Verdicts',
    '',
    renderVerdicts(verdicts),
    '',
    `(run took ${seconds.toFixed(0)} s)`,
  ].join('\n')
  process.stdout.write(`\n${report}\n`)
  if (!process.env.GALLEY_BENCH_SKIP_HTTP) {
    process.stdout.write('\n### HTTP (bench/http)\n\n')
    await runHttpBench({ seconds: process.env.GALLEY_BENCH_QUICK ? 3 : 10, connections: 10 })
  }
  if (!process.env.GALLEY_BENCH_SKIP_RELEASES) {
    process.stdout.write('\n### Publishing a release (bench/releases.ts)\n\n')
    const { runReleaseBench } = await import('./releases')
    for (const r of await runReleaseBench())
      process.stdout.write(
        `- ${r.store}: ${r.documents} documents in ${r.publishMs.toFixed(0)} ms (median of ${r.runs.length})\n`,
      )
  }
  if (!process.env.GALLEY_BENCH_SKIP_WHERE) {
    process.stdout.write('\n### The widest filters (bench/where-cost.ts)\n\n')
    const { runWhereCostBench, renderWhereCost } = await import('./where-cost')
    process.stdout.write(renderWhereCost(await runWhereCostBench()) + '\n')
  }
  if (!process.env.GALLEY_BENCH_SKIP_EVENTS) {
    process.stdout.write('\n### Live events (bench/events.ts)\n\n')
    const { runEventBench, renderEventBench } = await import('./events')
    for (const r of await runEventBench()) process.stdout.write(renderEventBench(r) + '\n')
  }
  if (!process.env.GALLEY_BENCH_SKIP_STUDIO) {
    process.stdout.write('\n### Studio (bench/studio.ts)\n\n')
    const { runStudioBench, renderStudio } = await import('./studio')
    process.stdout.write(renderStudio(await runStudioBench(log)) + '\n')
  }
  if (!process.env.GALLEY_BENCH_SKIP_VISUAL_EDITING) {
    process.stdout.write('\n### Live preview (bench/visual-editing.ts)\n\n')
    const { runVisualEditingBench, renderVisualEditing } = await import('./visual-editing')
    process.stdout.write(renderVisualEditing(await runVisualEditingBench(log)) + '\n')
  }
  // Raw figures for BENCHMARKS.md and later comparison; .data/ is gitignored.
  writeFileSync(
    `${dataDir}last-run.json`,
    JSON.stringify(
      { started: started.toISOString(), machine, engine, settings, results: all },
      null,
      2,
    ),
  )
  const crashed = Object.values(all)
    .flat()
    .filter((o) => o.error)
  process.exitCode = crashed.length > 0 ? 1 : 0
}

// Held for the whole run: if some store ever waits only on unref'd handles, the run hangs
// visibly instead of Node exiting quietly with half a table.
const keepAlive = setInterval(() => {}, 60_000)
main()
  .catch((err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    process.exitCode = 1
  })
  .finally(() => clearInterval(keepAlive))
