import { type Caller, requireAccess } from '../access/access'
import type { Galley } from '../documents/galley'
import { ConflictError, GalleyError, InputError, NotFoundError } from '../errors'
import { isValidId, newId } from '../ids'
import { isoNow } from '../timestamps'
import { requirePublishDocuments, userIdOf } from './release-access'
import { readsOf, requireOpen, requireRelease, writesOf } from './release-context'
import { releaseDocuments } from './release-documents'
import type { JobRow, ReleaseRow } from './release-storage'
import { publishInTransaction } from './publish-release'

/**
 * Schedule a release to publish at `publishAt` (a future ISO time, stored in UTC). Needs
 * `publish` on every collection it touches now; the job runs as the server.
 */
export async function scheduleRelease(
  galley: Galley,
  id: string,
  publishAt: string,
  caller: Caller,
): Promise<ReleaseRow> {
  return galley.transaction(async (_g, tx) => {
    const w = writesOf(tx)
    const release = await requireRelease(w, id)
    requireOpen(release, 'be scheduled')
    const docs = await releaseDocuments(
      galley.config,
      tx,
      release,
      await w.listItems(id),
      { user: undefined, overrideAccess: true },
      true,
    )
    // The runner publishes as the server: check the caller's rule on each document now.
    await requirePublishDocuments(galley.config, tx, docs, caller)
    const now = isoNow()
    await cancelPending(w, { releaseId: id }, now)
    await w.insertJob(newJob('release', { releaseId: release.id }, publishAt, caller, now))
    const next: ReleaseRow = {
      ...release,
      type: 'scheduled',
      publishAt,
      state: 'scheduled',
      updatedAt: now,
    }
    await w.updateRelease(next)
    return next
  })
}

/** Cancel a release's schedule: it is active again (its type and time stay, for the record). */
export async function unscheduleRelease(galley: Galley, id: string): Promise<ReleaseRow> {
  return galley.transaction(async (_g, tx) => {
    const w = writesOf(tx)
    const release = await requireRelease(w, id)
    requireOpen(release, 'be unscheduled')
    const now = isoNow()
    await cancelPending(w, { releaseId: id }, now)
    const next: ReleaseRow = { ...release, state: 'active', updatedAt: now }
    await w.updateRelease(next)
    return next
  })
}

/** Schedule publishing or unpublishing one document at `at` (needs `publish` on its collection). */
export async function scheduleDocument(
  galley: Galley,
  args: { collection: string; id: string; action: unknown; at: string },
  caller: Caller,
): Promise<JobRow> {
  const coll = galley.collection(args.collection)
  if (args.action !== 'publish' && args.action !== 'unpublish')
    throw new InputError("action must be 'publish' or 'unpublish'.")
  await requireAccess(coll, 'publish', caller)
  return galley.transaction(async (_g, tx) => {
    if (!isValidId(args.id) || !(await tx.getHeads(coll.storageKey, args.id)).length)
      throw new NotFoundError(
        `'${coll.slug}' ${JSON.stringify(args.id).slice(0, 80)} does not exist.`,
      )
    // The runner acts as the server: the caller's where rule must match the document now.
    await requirePublishDocuments(
      galley.config,
      tx,
      [{ collection: coll.slug, id: args.id }],
      caller,
    )
    const job = newJob(
      args.action as 'publish',
      { collection: coll.slug, docId: args.id },
      args.at,
      caller,
      isoNow(),
    )
    await writesOf(tx).insertJob(job)
    return job
  })
}

/** Cancel a pending job; a job that already ran (or was cancelled) is a conflict. */
export async function cancelJob(galley: Galley, jobId: string): Promise<JobRow> {
  const seen = isValidId(jobId) ? await readsOf(galley).getJob(jobId) : undefined
  return galley.transaction(async (_g, tx) => {
    const w = writesOf(tx)
    // Lock order everywhere: the release first, then its jobs.
    if (seen?.releaseId) await w.getRelease(seen.releaseId)
    const job = seen ? await w.getJob(seen.id) : undefined
    if (!job)
      throw new NotFoundError(
        `Schedule ${JSON.stringify(String(jobId)).slice(0, 80)} does not exist.`,
      )
    if (job.state !== 'pending')
      throw new ConflictError(
        `Schedule ${job.id} is ${job.state}, so it cannot be cancelled.`,
        null,
      )
    const next: JobRow = { ...job, state: 'cancelled', ranAt: isoNow() }
    await w.updateJob(next)
    if (job.kind === 'release' && job.releaseId) {
      const release = await w.getRelease(job.releaseId)
      if (release?.state === 'scheduled')
        await w.updateRelease({ ...release, state: 'active', updatedAt: next.ranAt! })
    }
    return next
  })
}

const BUSY = Symbol('release busy')

/**
 * Run one due job, if any: claimed and carried out in one transaction, so it fires once
 * however many runners poll. A job that fails is marked failed with its reason (and a
 * failed release goes back to active). Returns the job as it ended, or undefined when
 * none was due.
 */
export async function runDueJob(
  galley: Galley,
  runner: string,
  now = isoNow(),
): Promise<JobRow | undefined> {
  let claimed: JobRow | undefined
  try {
    return await galley.transaction(async (g, tx) => {
      const w = writesOf(tx)
      claimed = await w.claimDueJob(now, runner)
      if (!claimed) return undefined
      const job = claimed
      const firedAt = isoNow()
      if (job.kind === 'release') {
        const release = job.releaseId ? await w.tryLockRelease(job.releaseId) : undefined
        if (release === 'busy') throw BUSY // rolled back: the job waits for the next poll
        if (!release) throw new NotFoundError(`Release ${job.releaseId} no longer exists.`)
        // A job left behind by a publish, archive, unschedule or reschedule that raced it
        // (and skipped it while this runner held it) does nothing: it is cancelled.
        if (release.state !== 'scheduled' || release.publishAt !== job.runAt) {
          const stale: JobRow = {
            ...job,
            state: 'cancelled',
            ranAt: firedAt,
            ranBy: runner,
            error: `release ${release.id} is ${release.state}, no longer scheduled for ${job.runAt}`,
          }
          await w.updateJob(stale)
          return stale
        }
        await publishInTransaction(g, tx, release, { user: undefined, overrideAccess: true })
      } else {
        const args = { collection: job.collection!, id: job.docId! }
        const heads = await tx.getHeads(g.collection(args.collection).storageKey, args.id)
        if (job.kind === 'publish' && heads.some((h) => h.variant === 'draft'))
          await g.publish(args)
        if (job.kind === 'unpublish' && heads.some((h) => h.variant === 'published'))
          await g.unpublish(args)
        if (!heads.length)
          throw new NotFoundError(`'${args.collection}' ${args.id} no longer exists.`)
      }
      const done: JobRow = { ...job, state: 'done', ranAt: firedAt, ranBy: runner }
      await w.updateJob(done)
      return done
    })
  } catch (err) {
    if (err === BUSY) return undefined
    if (!claimed) throw err
    const reason =
      err instanceof GalleyError && err.expose
        ? err.message
        : `internal error: ${String((err as Error)?.message ?? err)}`
    const job = claimed
    return galley.transaction(async (_g, tx) => {
      const w = writesOf(tx)
      const at = isoNow()
      if (!(await w.failJob(job.id, at, runner, reason))) return w.getJob(job.id)
      if (job.kind === 'release' && job.releaseId) {
        const release = await w.getRelease(job.releaseId)
        if (release?.state === 'scheduled')
          await w.updateRelease({ ...release, state: 'active', updatedAt: at })
      }
      return { ...job, state: 'failed', ranAt: at, ranBy: runner, error: reason }
    })
  }
}

/** Schedule health: the newest run, failures with their reasons, and what is pending. */
export interface ScheduleHealth {
  lastRun: { jobId: string; at: string; by: string | null } | null
  failures: Array<{
    jobId: string
    kind: JobRow['kind']
    at: string | null
    error: string | null
    releaseId: string | null
    collection: string | null
    docId: string | null
  }>
  pending: number
  nextRunAt: string | null
  /** A pending job whose time passed more than `lateMs` ago: no runner is running. */
  overdue: number
}

export async function scheduleHealth(galley: Galley, lateMs = 60_000): Promise<ScheduleHealth> {
  const r = readsOf(galley)
  const done = await r.listJobs({ state: 'done', limit: 1000 })
  const last = done.reduce<JobRow | undefined>(
    (a, j) => (!a || (j.ranAt ?? '') > (a.ranAt ?? '') ? j : a),
    undefined,
  )
  const failed = await r.listJobs({ state: 'failed', limit: 50 })
  const pending = await r.listJobs({ state: 'pending', limit: 1000 })
  const late = new Date(Date.now() - lateMs).toISOString()
  return {
    lastRun: last ? { jobId: last.id, at: last.ranAt!, by: last.ranBy } : null,
    failures: failed.map((j) => ({
      jobId: j.id,
      kind: j.kind,
      at: j.ranAt,
      error: j.error,
      releaseId: j.releaseId,
      collection: j.collection,
      docId: j.docId,
    })),
    pending: pending.length,
    nextRunAt: (await r.nextDueAt()) ?? null,
    overdue: pending.filter((j) => j.runAt < late).length,
  }
}

function newJob(
  kind: JobRow['kind'],
  target: { releaseId?: string; collection?: string; docId?: string },
  runAt: string,
  caller: Caller,
  now: string,
): JobRow {
  return {
    id: newId(),
    kind,
    releaseId: (target.releaseId ?? null) as JobRow['releaseId'],
    collection: target.collection ?? null,
    docId: target.docId ?? null,
    runAt,
    state: 'pending',
    createdBy: userIdOf(caller.user),
    createdAt: now,
    ranAt: null,
    ranBy: null,
    error: null,
  }
}

async function cancelPending(
  w: ReturnType<typeof writesOf>,
  filter: { releaseId: string },
  now: string,
) {
  for (const job of await w.listJobs({ ...filter, state: 'pending' }))
    await w.updateJob({ ...job, state: 'cancelled', ranAt: now })
}
