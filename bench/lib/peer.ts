// Runs a peer benchmark (another product, or Galley in another configuration) in its own
// process: its dependencies, globals, heap and compiled code stay out of the engine's
// process, while the run is still the same `npm run bench` on the same machine, so ratios
// are side by side. Either all at once (runPeer) or step by step, in turns with Galley
// (startSteppedPeer).
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { readSettings, type Sizes } from './settings'
import type { BenchTarget } from './target'
import {
  prepareWorkload,
  runWorkload,
  type RunResult,
  type Workload,
  type WorkloadStep,
} from './workload'

export const RESULT_MARKER = 'GALLEY_BENCH_RESULT '
export const STEP_MARKER = 'GALLEY_BENCH_STEP '
/** Set for a peer in step mode: it waits for step names on stdin. */
export const STEPS_ENV = 'GALLEY_BENCH_STEPS'

type PeerResult = RunResult & { version?: string }

function spawnPeer(
  script: string,
  sizes: Sizes,
  env: Record<string, string>,
  stepped: boolean,
): ChildProcess {
  const tsx = import.meta.resolve('tsx')
  const file = fileURLToPath(new URL(script, import.meta.url))
  return spawn(process.execPath, ['--import', tsx, file], {
    env: {
      ...process.env,
      ...env,
      GALLEY_BENCH_SIZES: JSON.stringify(sizes),
      ...(stepped ? { [STEPS_ENV]: '1' } : {}),
    },
    stdio: [stepped ? 'pipe' : 'ignore', 'pipe', 'inherit'],
  })
}

/** Resolves with the child's exit code and its stdout lines (also handed to `onLine`). */
function collect(child: ChildProcess, onLine: (line: string) => void = () => {}) {
  const lines: string[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    onLine(line)
  })
  return new Promise<{ code: number | null; lines: string[] }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, lines }))
  })
}

function resultOf(
  script: string,
  { code, lines }: { code: number | null; lines: string[] },
): PeerResult {
  const line = lines.find((l) => l.startsWith(RESULT_MARKER))
  if (code !== 0 || !line)
    throw new Error(`peer ${script} exited with ${code}${line ? '' : ' and printed no result'}`)
  return JSON.parse(line.slice(RESULT_MARKER.length)) as PeerResult
}

export async function runPeer(
  script: string,
  sizes: Sizes,
  env: Record<string, string> = {},
): Promise<PeerResult> {
  return resultOf(script, await collect(spawnPeer(script, sizes, env, false)))
}

export interface SteppedPeer {
  /** The peer's process id. */
  pid: number
  /** Seeded and checked, waiting for its first step. */
  ready: Promise<void>
  /** Run one step of the workload in the peer; resolves when it is done. */
  step(name: WorkloadStep['name']): Promise<void>
  /** After the last step: the peer's result. */
  finish(): Promise<PeerResult>
}

/** Start a peer that seeds, then runs the workload's steps one at a time when told to. */
export function startSteppedPeer(
  script: string,
  sizes: Sizes,
  env: Record<string, string> = {},
): SteppedPeer {
  const child = spawnPeer(script, sizes, env, true)
  // Each marker the peer prints settles the oldest wait for it; an exit settles them all.
  const waiting: Array<{ marker: string; resolve: () => void; reject: (err: Error) => void }> = []
  // Set once the child has gone: a wait begun after that would never be settled.
  let gone: Error | undefined
  const expect = (marker: string) =>
    gone
      ? Promise.reject(gone)
      : new Promise<void>((resolve, reject) => waiting.push({ marker, resolve, reject }))
  const done = collect(child, (line) => {
    if (!line.startsWith(STEP_MARKER)) return
    const marker = line.slice(STEP_MARKER.length)
    const at = waiting.findIndex((w) => w.marker === marker)
    if (at >= 0) waiting.splice(at, 1)[0]!.resolve()
  })
  const end = (err: Error) => {
    gone ??= err
    for (const w of waiting.splice(0)) w.reject(gone)
  }
  void done.then(
    ({ code }) => end(new Error(`peer ${script} exited with ${code}`)),
    (err: Error) => end(err),
  )
  // A step written to a child that has just exited must fail its step, not the bench.
  child.stdin?.on('error', (err) => end(err))
  const ready = expect('ready')
  return {
    pid: child.pid ?? -1,
    ready,
    step(name) {
      const finished = expect(name)
      if (!gone) child.stdin!.write(`${name}\n`)
      return finished
    },
    async finish() {
      child.stdin!.end()
      return resultOf(script, await done)
    },
  }
}

/** The sizes a child process was started with (spawnPeer), or the settings' own. */
export function sizesFromEnv(): Sizes {
  const json = process.env.GALLEY_BENCH_SIZES
  if (json) return JSON.parse(json) as Sizes
  const s = readSettings()
  return { ...s.base, revisions: s.revisionCounts[0] ?? 5 }
}

/**
 * A child's side of step mode (startSteppedPeer): say when seeded, then run each step named
 * on stdin and say when it is done; the result once stdin ends.
 */
export async function serveSteps(workload: Workload): Promise<RunResult> {
  const steps = new Map(workload.steps.map((s) => [s.name as string, s]))
  process.stdout.write(`${STEP_MARKER}ready\n`)
  for await (const line of createInterface({ input: process.stdin })) {
    const step = steps.get(line.trim())
    if (!step)
      throw new Error(`unknown step "${line.trim()}" (known: ${[...steps.keys()].join(', ')})`)
    await step.run()
    process.stdout.write(`${STEP_MARKER}${step.name}\n`)
  }
  return workload.result()
}

/**
 * A child's whole life (bench/engine-child.ts, the Payload peer): open its target for the
 * sizes it was started with, run the workload (step by step when told to), print the
 * result line with `extra`, close, exit (peers may keep timers alive; the result is out).
 */
export function serveChild(
  name: string,
  open: (sizes: Sizes) => Promise<{ target: BenchTarget; extra?: Record<string, unknown> }>,
): void {
  const main = async () => {
    const sizes = sizesFromEnv()
    const { target, extra } = await open(sizes)
    const log = (l: string) => process.stderr.write(`  ${l}\n`)
    try {
      const result = process.env[STEPS_ENV]
        ? await serveSteps(await prepareWorkload(target, sizes, { log }))
        : await runWorkload(target, sizes, { log })
      process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ ...result, ...extra })}\n`)
    } finally {
      await target.close()
    }
  }
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      )
      process.exit(1)
    },
  )
}
