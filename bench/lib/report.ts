// Turns run results into the Markdown tables printed by `npm run bench` (and pasted into
// BENCHMARKS.md), with the verdicts against the targets.
import type { Sizes } from './settings'
import { PHASES, type PhaseName, type RunResult } from './workload'

/** Galley on SQLite must do at least this many times Payload's ops/s, phase by phase. */
export const PEER_TARGET = 20
/** Draft reads may be at most this much slower than published reads. */
export const DRAFT_READ_SLOWDOWN = 1.5

export const PHASE_LABELS: Record<PhaseName, string> = {
  create: 'create (published)',
  draftSave: 'draft save',
  publish: 'publish',
  findPublished: 'find by slug, published',
  findDrafts: 'find by slug, drafts',
  findByCode: 'find by code (indexed, not unique), limit 20 + totalDocs',
  findByCategory: 'find by category (2% each), limit 20 + totalDocs',
  findByIdPublished: 'findById, published',
  findByIdDrafts: 'findById, drafts',
}
const ORDER: PhaseName[] = [
  'create',
  'draftSave',
  'publish',
  'findPublished',
  'findDrafts',
  'findByCode',
  'findByCategory',
  'findByIdPublished',
  'findByIdDrafts',
]

/** The lookups on non-unique indexed fields: their target binds the run without read cache too. */
const LOOKUPS: PhaseName[] = ['findByCode', 'findByCategory']
/** A lookup by a non-unique index may take at most this many times a unique one. */
export const NON_UNIQUE_SLOWDOWN = 2

export interface Outcome {
  target: string
  result?: RunResult
  error?: string
  /** 1-minute load average before and after: other work on the machine skews ratios. */
  load?: [number, number]
  /** The target it took turns with, step by step (bench/run.ts runInTurns). */
  inTurnsWith?: string
}

export interface Verdict {
  what: string
  pass: boolean
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ratio = (n: number) => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)}×`

function cell(o: Outcome | undefined, phase: PhaseName): string {
  if (!o) return 'skipped'
  if (!o.result) return 'error'
  return fmt(o.result.phases[phase].opsPerSec)
}

export function sizesLine(s: Sizes): string {
  return `${fmt(s.docs)} docs, ${fmt(s.changed)} of them with ${s.revisions} draft revisions; each phase ≥ ${fmt(
    s.minOps,
  )} sequential ops and ≥ ${s.minSeconds} s after ≥ ${s.warmup} warm-up ops; figures are the median of per-slice ops/s (slices of ~${fmt(
    Math.ceil(s.minOps / 5),
  )} ops)`
}

/**
 * The peers, in order of preference for the verdicts. WAL + synchronous=NORMAL is the same
 * journal and durability Galley's SQLite store uses, so it is the like-for-like baseline;
 * Payload's shipped default (rollback journal, FULL) is shown beside it.
 */
export const PEERS = [
  { target: 'payload-sqlite-wal', label: 'Payload 3.90 SQLite, WAL' },
  { target: 'payload-sqlite', label: 'Payload 3.90 SQLite, default journal' },
] as const

/** One section per history length: the ops/s table, then the drafts/published table. */
export function renderSection(sizes: Sizes, outcomes: Outcome[], verdicts: Verdict[]): string {
  const by = (t: string) => outcomes.find((o) => o.target === t)
  const gs = by('galley-sqlite')
  const gu = by('galley-sqlite-uncached')
  const gp = by('galley-postgres')
  const peers = PEERS.map((p) => ({ ...p, outcome: by(p.target) })).filter((p) => p.outcome)
  const baseline = peers.find((p) => p.outcome?.result)
  const lines: string[] = []
  lines.push(
    `### ${sizes.revisions} draft revisions per changed document`,
    '',
    sizesLine(sizes),
    '',
  )
  const head = [
    'operation (ops/s)',
    'Galley SQLite',
    ...(gu ? ['Galley SQLite, no read cache'] : []),
    'Galley PostgreSQL',
    ...peers.map((p) => p.label),
  ]
  const align = ['---', '---:', ...(gu ? ['---:'] : []), '---:', ...peers.map(() => '---:')]
  for (const p of peers) {
    head.push(`Galley ÷ ${p.label.replace('Payload 3.90 SQLite, ', 'Payload ')}`)
    align.push('---:')
  }
  if (baseline) {
    head.push(`≥ ${PEER_TARGET}× ${baseline.label.replace('Payload 3.90 SQLite, ', 'Payload ')}`)
    align.push(':---:')
  }
  lines.push(`| ${head.join(' | ')} |`, `|${align.join('|')}|`)
  for (const phase of ORDER) {
    const row = [
      PHASE_LABELS[phase],
      cell(gs, phase),
      ...(gu ? [cell(gu, phase)] : []),
      cell(gp, phase),
      ...peers.map((p) => cell(p.outcome, phase)),
    ]
    for (const p of peers) {
      row.push(
        gs?.result && p.outcome?.result
          ? ratio(gs.result.phases[phase].opsPerSec / p.outcome.result.phases[phase].opsPerSec)
          : '—',
      )
    }
    if (baseline) {
      if (gs?.result && baseline.outcome?.result) {
        const x =
          gs.result.phases[phase].opsPerSec / baseline.outcome.result.phases[phase].opsPerSec
        const pass = x >= PEER_TARGET
        row.push(pass ? 'PASS' : 'FAIL')
        verdicts.push({
          what: `N=${sizes.revisions} ${PHASE_LABELS[phase]}: Galley SQLite ÷ ${baseline.label} ${ratio(x)} (target ≥ ${PEER_TARGET}×)`,
          pass,
        })
      } else row.push('—')
    }
    lines.push(`| ${row.join(' | ')} |`)
  }
  // Without the read cache every lookup runs its statements: the lookups' target binds that too.
  const gsBaseline = baseline?.outcome?.result
  if (gu?.result && gsBaseline) {
    for (const phase of LOOKUPS) {
      const x = gu.result.phases[phase].opsPerSec / gsBaseline.phases[phase].opsPerSec
      verdicts.push({
        what: `N=${sizes.revisions} ${PHASE_LABELS[phase]}: Galley SQLite without read cache ÷ ${baseline!.label} ${ratio(x)} (target ≥ ${PEER_TARGET}×)`,
        pass: x >= PEER_TARGET,
      })
    }
  }
  lines.push('')
  lines.push(
    `| lookup by a non-unique index vs a unique one (find by slug ÷ find by code, ops/s) | ratio | within ${NON_UNIQUE_SLOWDOWN}× |`,
  )
  lines.push('|---|---:|:---:|')
  for (const o of [gs, gu, gp, ...peers.map((p) => p.outcome)]) {
    if (!o?.result) continue
    const x = o.result.phases.findPublished.opsPerSec / o.result.phases.findByCode.opsPerSec
    const pass = x <= NON_UNIQUE_SLOWDOWN
    const binding = o.target === 'galley-sqlite' || o.target === 'galley-postgres'
    if (binding)
      verdicts.push({
        what: `N=${sizes.revisions} ${o.target}: find by slug (unique) ÷ find by code (not unique) ${x.toFixed(2)} (target ≤ ${NON_UNIQUE_SLOWDOWN})`,
        pass,
      })
    lines.push(
      `| ${o.target} | ${x.toFixed(2)} | ${binding ? (pass ? 'PASS' : 'FAIL') : '(not a target)'} |`,
    )
  }
  lines.push('')
  lines.push(
    `| drafts ÷ published read speed (median of paired slices) | findById | find by slug | within ${DRAFT_READ_SLOWDOWN}× |`,
  )
  lines.push('|---|---:|---:|:---:|')
  for (const o of [gs, gu, gp, ...peers.map((p) => p.outcome)]) {
    if (!o?.result) continue
    const p = o.result.phases
    // Paired-slice medians when the run has them (older results: ratio of phase figures).
    const byId =
      o.result.draftReadRatio?.findById ??
      p.findByIdDrafts.opsPerSec / p.findByIdPublished.opsPerSec
    const bySlug =
      o.result.draftReadRatio?.find ?? p.findDrafts.opsPerSec / p.findPublished.opsPerSec
    const pass = Math.min(byId, bySlug) >= 1 / DRAFT_READ_SLOWDOWN
    // The target binds Galley as shipped; the peers' rows and the uncached run are for comparison.
    const binding = o.target === 'galley-sqlite' || o.target === 'galley-postgres'
    if (binding) {
      verdicts.push({
        what: `N=${sizes.revisions} ${o.target}: drafts/published reads ${byId.toFixed(2)} (findById), ${bySlug.toFixed(2)} (find) (target ≥ ${(1 / DRAFT_READ_SLOWDOWN).toFixed(2)})`,
        pass,
      })
    }
    lines.push(
      `| ${o.target} | ${byId.toFixed(2)} | ${bySlug.toFixed(2)} | ${binding ? (pass ? 'PASS' : 'FAIL') : '(not a target)'} |`,
    )
  }
  const seeds = outcomes
    .filter((o) => o.result)
    .map((o) => `${o.target} ${o.result!.seedSeconds.toFixed(1)} s`)
  if (seeds.length) lines.push('', `Seeding (not measured): ${seeds.join(', ')}.`)
  // Every side that ran all its steps in turns names the others it took them with.
  const inTurns = outcomes.filter((o) => o.inTurnsWith !== undefined).map((o) => o.target)
  if (inTurns.length > 1)
    lines.push(
      '',
      `${inTurns.slice(0, -1).join(', ')} and ${inTurns.at(-1)} took turns: all seeded, then each timed step ran on each in turn, the order rotating from step to step.`,
    )
  const loads = outcomes
    .filter((o) => o.load)
    .map((o) => `${o.target} ${o.load![0].toFixed(1)} → ${o.load![1].toFixed(1)}`)
  if (loads.length)
    lines.push('', `1-minute load average before → after each side (2 cores): ${loads.join(', ')}.`)
  for (const o of outcomes) if (o.error) lines.push('', `**${o.target} failed:** ${o.error}`)
  return lines.join('\n')
}

export function renderVerdicts(verdicts: Verdict[]): string {
  if (verdicts.length === 0)
    return 'No verdicts: a side needed for the targets was skipped or failed.'
  const failed = verdicts.filter((v) => !v.pass)
  const head = `${verdicts.length - failed.length} of ${verdicts.length} targets met`
  return [head, ...verdicts.map((v) => `- ${v.pass ? 'PASS' : 'FAIL'} ${v.what}`)].join('\n')
}

export { ORDER as PHASE_ORDER, PHASES }
