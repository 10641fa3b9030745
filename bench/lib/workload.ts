// The workload, identical for every target: seed, build history, then time each phase.
// Reads run before writes so they see exactly the seeded state (docs × `changed` with
// `revisions` drafts each); the write phases then change it freely.
import { createRng, randomInt, shuffled, type Rng } from './rng'
import type { Sizes } from './settings'
import type { BenchTarget, DocId, Perspective, PostData } from './target'

export const PHASES = [
  'findByIdPublished',
  'findByIdDrafts',
  'findPublished',
  'findDrafts',
  'findByCode',
  'findByCategory',
  'create',
  'draftSave',
  'publish',
] as const
export type PhaseName = (typeof PHASES)[number]

export interface PhaseResult {
  ops: number
  seconds: number
  /** Median of the per-slice rates: the headline figure (see SLICES). */
  opsPerSec: number
  /** Plain ops / seconds over the whole phase. */
  meanOpsPerSec: number
  /** ops/s of each slice, in order. */
  slices: number[]
}

/**
 * Each phase is timed in slices of about minOps / SLICES operations and reported as the
 * median slice rate. The machine is shared (other sessions run test suites on the same two
 * cores), and a burst of outside load then spoils a few slices instead of the whole figure.
 */
const SLICES = 5

export interface RunResult {
  target: string
  sizes: Sizes
  seedSeconds: number
  /**
   * drafts ÷ published read speed, the median over adjacent slice pairs (see readPair):
   * robust to load that comes and goes, unlike a ratio of two phase figures.
   */
  draftReadRatio: { findById: number; find: number }
  phases: Record<PhaseName, PhaseResult>
}

const WORDS =
  'draft preview publish galley content editor release layer revision variant perspective cache frontend studio'.split(
    ' ',
  )

/** ~600 characters of prose: a realistic row, not an empty one that flatters everybody. */
function proseOf(seed: number): string {
  const rng = createRng(seed)
  const words: string[] = []
  let length = 0
  while (length < 600) {
    const w = WORDS[randomInt(rng, WORDS.length)] as string
    words.push(w)
    length += w.length + 1
  }
  return words.join(' ')
}

/**
 * Bodies come from a pool made before anything is timed: making one took ~2 µs (random
 * words, a join), about 5% of a Galley write and part of no system's work.
 */
const BODIES = Array.from({ length: 4096 }, (_, i) => proseOf(i))

function bodyText(seed: number): string {
  return BODIES[seed % BODIES.length] as string
}

/** Categories of the seeded posts: each shared by 2% of them. */
export const CATEGORIES = 50

const categoryOf = (i: number) => `cat-${i % CATEGORIES}`

/** How many of `docs` seeded posts are in category number `c`. */
function inCategoryCount(docs: number, c: number): number {
  return Math.floor(docs / CATEGORIES) + (c < docs % CATEGORIES ? 1 : 0)
}

export function seededPost(i: number): PostData {
  return {
    title: `Post ${i}`,
    slug: `post-${i}`,
    code: `code-${i}`,
    category: categoryOf(i),
    body: bodyText(i),
    views: i,
  }
}

export function draftOf(i: number, revision: number): PostData {
  return {
    title: `Post ${i} draft ${revision}`,
    slug: `post-${i}`,
    code: `code-${i}`,
    category: categoryOf(i),
    body: bodyText(i * 1000 + revision),
    views: i + revision,
  }
}

/** Which seeded documents carry history: spread evenly over the id range, not clustered. */
export function changedIndices(sizes: Sizes): number[] {
  const step = Math.max(1, Math.floor(sizes.docs / Math.max(1, sizes.changed)))
  const out: number[] = []
  for (let i = 0; i < sizes.changed && i * step < sizes.docs; i++) out.push(i * step)
  return out
}

interface PhaseOptions {
  warmup: number
  minOps: number
  minSeconds: number
  /** Hard cap when the phase consumes something finite (publish needs pending drafts). */
  maxOps?: number
}

async function timePhase(op: (n: number) => Promise<void>, o: PhaseOptions): Promise<PhaseResult> {
  const cap = o.maxOps ?? Number.POSITIVE_INFINITY
  // Warm up for a count and a time (a quarter of the measured time): a fixed count alone
  // left the first phases of a fresh process measuring the JIT rather than the system.
  const warmCap = Math.floor(cap / 10)
  const warmUntil = performance.now() + (o.minSeconds * 1000) / 4
  let warm = 0
  while (warm < warmCap && (warm < o.warmup || (o.warmup > 0 && performance.now() < warmUntil)))
    await op(warm++)
  const sliceOps = Math.max(1, Math.ceil(o.minOps / SLICES))
  const slices: number[] = []
  let ops = 0
  const start = performance.now()
  let sliceStart = start
  let now = start
  // Sequential awaits on purpose: this is per-operation latency turned into ops/s,
  // which is what one request handler or one script sees.
  while (warm + ops < cap && (ops < o.minOps || now - start < o.minSeconds * 1000)) {
    await op(warm + ops)
    ops++
    now = performance.now()
    if (ops % sliceOps === 0) {
      slices.push(sliceOps / ((now - sliceStart) / 1000))
      sliceStart = now
    }
  }
  // A last partial slice counts only when it is at least half a slice long.
  const rest = ops % sliceOps
  if (rest >= sliceOps / 2 || slices.length === 0) slices.push(rest / ((now - sliceStart) / 1000))
  const seconds = (now - start) / 1000
  return { ops, seconds, opsPerSec: median(slices), meanOpsPerSec: ops / seconds, slices }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function expect(actual: string | null, wanted: string, what: string): void {
  if (actual !== wanted)
    throw new Error(`${what}: expected "${wanted}", got ${JSON.stringify(actual)}`)
}

export interface WorkloadHooks {
  log?: (line: string) => void
}

/** The workload's timed steps, in the order it runs them. */
export const STEP_NAMES = ['findById', 'find', 'lookups', 'create', 'draftSave', 'publish'] as const

/** One timed step of the workload: a pair of read phases, or one write phase. */
export interface WorkloadStep {
  name: (typeof STEP_NAMES)[number]
  run(): Promise<void>
}

/** A seeded, checked workload whose timed steps run when the caller says (see runWorkload). */
export interface Workload {
  steps: WorkloadStep[]
  /** The result, once every step has run. */
  result(): RunResult
}

/** Seed, check, then time every step in order. */
export async function runWorkload(
  target: BenchTarget,
  sizes: Sizes,
  hooks: WorkloadHooks = {},
): Promise<RunResult> {
  const workload = await prepareWorkload(target, sizes, hooks)
  for (const step of workload.steps) await step.run()
  return workload.result()
}

/**
 * Seed and check; the timed steps are returned, not run, so that two systems can take
 * turns step by step (bench/run.ts interleaves Galley and Payload that way: both then
 * meet the same moments of a machine whose speed drifts).
 */
export async function prepareWorkload(
  target: BenchTarget,
  sizes: Sizes,
  hooks: WorkloadHooks = {},
): Promise<Workload> {
  const log = hooks.log ?? (() => {})
  const seedStart = performance.now()

  const posts = Array.from({ length: sizes.docs }, (_, i) => seededPost(i))
  const ids = await target.seedPublished(posts)
  if (ids.length !== sizes.docs)
    throw new Error(`seedPublished returned ${ids.length} ids for ${sizes.docs} posts`)
  const changed = changedIndices(sizes)
  const changedSet = new Set(changed)
  const unchanged = posts.map((_, i) => i).filter((i) => !changedSet.has(i))
  // Revision-major order: each document's drafts are spread over the whole seeding, as
  // they would be in real editing, instead of piling up one document at a time.
  for (let r = 1; r <= sizes.revisions; r++) {
    await target.seedDrafts(changed.map((i) => ({ id: ids[i] as DocId, data: draftOf(i, r) })))
  }
  const seedSeconds = (performance.now() - seedStart) / 1000
  log(
    `${target.name}: seeded ${sizes.docs} docs, ${changed.length}×${sizes.revisions} drafts in ${seedSeconds.toFixed(1)} s`,
  )

  // Correctness first: a fast wrong answer is not a result.
  const c = changed[0] ?? 0
  const u = unchanged[0] ?? 1
  const last = draftOf(c, sizes.revisions).title
  expect(await target.findById(ids[c] as DocId, 'drafts'), last, 'findById drafts (changed)')
  expect(
    await target.findById(ids[c] as DocId, 'published'),
    `Post ${c}`,
    'findById published (changed)',
  )
  expect(
    await target.findById(ids[u] as DocId, 'drafts'),
    `Post ${u}`,
    'findById drafts (unchanged)',
  )
  expect(await target.findBySlug(`post-${c}`, 'drafts'), last, 'find drafts (changed)')
  expect(await target.findBySlug(`post-${c}`, 'published'), `Post ${c}`, 'find published (changed)')
  expect(await target.findBySlug(`post-${u}`, 'drafts'), `Post ${u}`, 'find drafts (unchanged)')
  const inCategory = inCategoryCount(sizes.docs, u % CATEGORIES)
  const pages = [
    [await target.findEqual('code', `code-${u}`), 1, 1],
    [await target.findEqual('category', categoryOf(u)), Math.min(20, inCategory), inCategory],
  ] as const
  for (const [got, docs, totalDocs] of pages)
    if (got.docs !== docs || got.totalDocs !== totalDocs)
      throw new Error(
        `findEqual: expected ${docs} docs of ${totalDocs}, got ${got.docs} of ${got.totalDocs}`,
      )

  const base = { warmup: sizes.warmup, minOps: sizes.minOps, minSeconds: sizes.minSeconds }
  const phases = {} as Record<PhaseName, PhaseResult>

  // Reads: half changed, half unchanged documents, the same sequence for both perspectives
  // so the drafts/published ratio compares like with like.
  const readSequence = (seed: number) => {
    const rng: Rng = createRng(seed)
    return (n: number): number =>
      n % 2 === 0 || unchanged.length === 0
        ? (changed[randomInt(rng, changed.length)] ?? 0)
        : (unchanged[randomInt(rng, unchanged.length)] ?? 0)
  }
  const readOp = (name: PhaseName, perspective: Perspective, byId: boolean) => {
    // Published and drafts walk the same documents: the seed depends on byId only.
    const pick = readSequence(byId ? 11 : 12)
    return async (n: number) => {
      const i = pick(n)
      const title = byId
        ? await target.findById(ids[i] as DocId, perspective)
        : await target.findBySlug(`post-${i}`, perspective)
      if (title === null) throw new Error(`${name}: post-${i} not found`)
    }
  }
  // Published and drafts reads are timed in alternating slices (A B, B A, A B, …) and the
  // drafts/published ratio is the median over adjacent pairs: both perspectives see the
  // same moment of the machine, so outside load that comes and goes cancels out.
  const draftReadRatio = { findById: 0, find: 0 }
  const readPair = async (
    a: [PhaseName, Perspective],
    b: [PhaseName, Perspective],
    byId: boolean,
  ) => {
    const ops = [readOp(a[0], a[1], byId), readOp(b[0], b[1], byId)] as const
    const count = [0, 0]
    for (const side of [0, 1] as const) {
      const warmUntil = performance.now() + (base.minSeconds * 1000) / 4
      while (count[side]! < base.warmup || performance.now() < warmUntil)
        await ops[side](count[side]!++)
    }
    const sliceOps = Math.max(1, Math.ceil(base.minOps / SLICES / 2))
    const acc = [
      { ops: 0, ms: 0, slices: [] as number[] },
      { ops: 0, ms: 0, slices: [] as number[] },
    ]
    const pairRatios: number[] = []
    const enough = (x: { ops: number; ms: number }) =>
      x.ops >= base.minOps && x.ms >= base.minSeconds * 1000
    for (let k = 0; !enough(acc[0]!) || !enough(acc[1]!); k++) {
      const rate = [0, 0]
      for (const side of k % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
        const t0 = performance.now()
        for (let j = 0; j < sliceOps; j++) await ops[side](count[side]!++)
        const ms = performance.now() - t0
        const x = acc[side]!
        x.ops += sliceOps
        x.ms += ms
        rate[side] = sliceOps / (ms / 1000)
        x.slices.push(rate[side]!)
      }
      pairRatios.push(rate[1]! / rate[0]!)
    }
    for (const [side, name] of [
      [0, a[0]],
      [1, b[0]],
    ] as const) {
      const x = acc[side]!
      phases[name] = {
        ops: x.ops,
        seconds: x.ms / 1000,
        opsPerSec: median(x.slices),
        meanOpsPerSec: x.ops / (x.ms / 1000),
        slices: x.slices,
      }
      log(`${target.name}: ${name} ${phases[name].opsPerSec.toFixed(0)} ops/s`)
    }
    draftReadRatio[byId ? 'findById' : 'find'] = median(pairRatios)
  }
  // Draft saves land on random existing documents; remember which now hold a draft.
  const withDraft = new Set<number>(changed)
  const draftRng = createRng(21)

  const steps: WorkloadStep[] = [
    {
      name: 'findById',
      run: () => readPair(['findByIdPublished', 'published'], ['findByIdDrafts', 'drafts'], true),
    },
    {
      name: 'find',
      run: () => readPair(['findPublished', 'published'], ['findDrafts', 'drafts'], false),
    },
    {
      // Lookups on fields that are indexed but not unique, as a list page asks (limit 20 and
      // totalDocs): one match per code, 2% of the documents per category.
      name: 'lookups',
      async run() {
        // The documents find by slug read, in the same order: the two compare like with like
        // (the same mix of changed and unchanged documents, the same read cache hit pattern).
        const pick = readSequence(12)
        const rng = createRng(13)
        phases.findByCode = await timePhase(async (n) => {
          const found = await target.findEqual('code', `code-${pick(n)}`)
          if (found.docs !== 1) throw new Error(`findByCode: ${found.docs} docs`)
        }, base)
        log(`${target.name}: findByCode ${phases.findByCode.opsPerSec.toFixed(0)} ops/s`)
        phases.findByCategory = await timePhase(async () => {
          const c = randomInt(rng, CATEGORIES)
          const found = await target.findEqual('category', categoryOf(c))
          const expected = Math.min(20, inCategoryCount(sizes.docs, c))
          if (found.docs !== expected)
            throw new Error(`findByCategory: ${found.docs} docs, expected ${expected}`)
        }, base)
        log(`${target.name}: findByCategory ${phases.findByCategory.opsPerSec.toFixed(0)} ops/s`)
      },
    },
    {
      name: 'create',
      async run() {
        phases.create = await timePhase(async (n) => {
          const i = sizes.docs + n
          await target.create({ ...seededPost(i), slug: `new-${i}` })
        }, base)
        log(`${target.name}: create ${phases.create.opsPerSec.toFixed(0)} ops/s`)
      },
    },
    {
      name: 'draftSave',
      async run() {
        phases.draftSave = await timePhase(async (n) => {
          const i = randomInt(draftRng, sizes.docs)
          withDraft.add(i)
          await target.saveDraft(ids[i] as DocId, draftOf(i, sizes.revisions + 1 + n))
        }, base)
        log(`${target.name}: draftSave ${phases.draftSave.opsPerSec.toFixed(0)} ops/s`)
      },
    },
    {
      name: 'publish',
      async run() {
        // Publish only documents that really have a pending draft: that is the operation.
        const toPublish = shuffled(
          [...withDraft].sort((a, b) => a - b),
          createRng(31),
        )
        phases.publish = await timePhase(
          async (n) => {
            await target.publish(ids[toPublish[n] as number] as DocId)
          },
          { ...base, maxOps: toPublish.length },
        )
        log(
          `${target.name}: publish ${phases.publish.opsPerSec.toFixed(0)} ops/s (${toPublish.length} had drafts)`,
        )
      },
    },
  ]
  return {
    steps,
    result() {
      for (const name of PHASES)
        if (!phases[name]) throw new Error(`${target.name}: phase ${name} has not run`)
      return { target: target.name, sizes, seedSeconds, phases, draftReadRatio }
    },
  }
}
