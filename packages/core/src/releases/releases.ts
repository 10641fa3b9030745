import type { Galley } from '../documents/galley'
import type { CallerArgs } from '../documents/galley-types'
import { ConflictError, InputError, NotFoundError, QueryError } from '../errors'
import { parsePaging } from '../documents/query-args'
import type { PaginatedDocs } from '../documents/galley-types'
import { pageOf } from '../documents/read/find'
import { isValidId, newId } from '../ids'
import { isReleaseId } from '../perspectives/perspective'
import { isoNow } from '../timestamps'
import {
  requirePublishAll,
  requireReleaseRead,
  requireReleaseWrite,
  userIdOf,
} from './release-access'
import { callOf, readsOf, requireOpen, requireRelease, writesOf } from './release-context'
import { type ReleaseDocument, releaseDocuments, releaseHeads } from './release-documents'
import { dropReleaseVariant } from './release-variants'
import { requireOnTouched, requireScheduledWrite, visibleJobs } from './release-guards'
import {
  type ReleaseInput,
  descriptionOf,
  newReleaseIdOf,
  timeOf,
  titleOf,
  typeOf,
} from './release-input'
import type { JobFilter, JobRow, ReleaseId, ReleaseRow, ReleaseState } from './release-storage'
import { type PublishReleaseResult, publishRelease, revertRelease } from './publish-release'
import {
  type ScheduleHealth,
  cancelJob,
  runDueJob,
  scheduleDocument,
  scheduleHealth,
  scheduleRelease,
  unscheduleRelease,
} from './schedules'

/** A release with its documents, as `get` returns it. */
export type ReleaseWithDocuments = ReleaseRow & { documents: ReleaseDocument[] }

type IdArgs = CallerArgs & { id: string }

/** Trusted server code: what deleting a release runs its clean-up as. */
const SERVER = { user: undefined, overrideAccess: true }

/**
 * The releases API of an engine: records that group documents' `release:<id>` variants
 * (and unpublish requests) so they go live together, now or at a time. Every call takes
 * `user`/`overrideAccess` like the Local API.
 * @example
 * const releases = new Releases(galley)
 * const r = await releases.create({ title: 'Spring launch' })
 * await galley.update({ collection: 'posts', id, release: r.id, data: { title: 'New' } })
 * await releases.publish({ id: r.id })
 */
export class Releases {
  constructor(readonly galley: Galley) {}

  /** A new active release. `type` defaults to `asap`; `publishAt` only for `scheduled`. */
  async create(args: CallerArgs & ReleaseInput & { id?: unknown }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const now = isoNow()
    const row: ReleaseRow = {
      id: (newReleaseIdOf(args.id) ?? `r${newId()}`) as ReleaseId,
      title: titleOf(args.title),
      description: descriptionOf(args.description),
      type: typeOf(args.type),
      publishAt: args.publishAt == null ? null : timeOf(args.publishAt, 'publishAt', false),
      state: 'active',
      createdBy: userIdOf(caller.user),
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      revertOf: null,
    }
    return galley.transaction(async (_g, tx) => {
      const w = writesOf(tx)
      if (await w.getRelease(row.id))
        throw new ConflictError(`Release ${row.id} already exists.`, null)
      await w.insertRelease(row)
      return row
    })
  }

  /** Every release, newest first. For a page, or only open ones, see `find`. */
  async list(args: CallerArgs = {}): Promise<ReleaseRow[]> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseRead(galley.config, caller)
    return readsOf(galley).listReleases()
  }

  /**
   * One page of releases, newest first, paged like collection lists (`limit` 10 by default,
   * 0 counts only), read a page at a time from the store. `state` keeps only releases in
   * that state or those states (`['active', 'scheduled']`: the open ones).
   * @example await releases.find({ state: ['active', 'scheduled'], limit: 100 })
   */
  async find(
    args: CallerArgs & { state?: unknown; limit?: unknown; page?: unknown } = {},
  ): Promise<PaginatedDocs<ReleaseRow>> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseRead(galley.config, caller)
    const { limit, page } = parsePaging(args.limit, args.page)
    const states = statesOf(args.state)
    const reads = readsOf(galley)
    const offset = (page - 1) * limit
    if (reads.findReleases) {
      const { rows, total } = await reads.findReleases({
        ...(states ? { states } : {}),
        limit,
        offset,
      })
      return pageOf(rows, total, limit, page)
    }
    const all = (await reads.listReleases()).filter((r) => !states || states.includes(r.state))
    return pageOf(all.slice(offset, offset + limit), all.length, limit, page)
  }

  /** A release with its documents: each one's change against published and its validation. */
  async get(args: IdArgs): Promise<ReleaseWithDocuments> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseRead(galley.config, caller)
    const r = readsOf(galley)
    const release = await requireRelease(r, args.id)
    const items = await r.listItems(release.id)
    const documents = await releaseDocuments(
      galley.config,
      galley.config.storage,
      release,
      items,
      caller,
    )
    return { ...release, documents }
  }

  /** Change title, description, type or publishAt of an open release. */
  async update(args: IdArgs & { data: ReleaseInput }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const data = args.data ?? {}
    return galley.transaction(async (_g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, args.id)
      requireOpen(release, 'be changed')
      if (release.state === 'scheduled' && data.publishAt !== undefined)
        throw new ConflictError(
          `Release ${release.id} is scheduled: to change its time, POST /api/releases/${release.id}/schedule with the new publishAt (or unschedule it).`,
          null,
        )
      const next: ReleaseRow = {
        ...release,
        title: data.title === undefined ? release.title : titleOf(data.title),
        description:
          data.description === undefined ? release.description : descriptionOf(data.description),
        type: data.type === undefined ? release.type : typeOf(data.type),
        publishAt:
          data.publishAt === undefined
            ? release.publishAt
            : data.publishAt === null
              ? null
              : timeOf(data.publishAt, 'publishAt', false),
        updatedAt: isoNow(),
      }
      await w.updateRelease(next)
      return next
    })
  }

  /**
   * Archive a release: it stays listed (a published one can still be reverted), an open one
   * takes no more changes and its schedule is cancelled; its documents are kept.
   */
  async archive(args: IdArgs): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    // One transaction (the release row locked): a schedule firing meanwhile either ran
    // before, and the published release is archived, or finds it archived and does nothing.
    return galley.transaction(async (_g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, args.id)
      if (release.state === 'archived')
        throw new ConflictError(`Release ${release.id} is archived already.`, null)
      if (release.state === 'scheduled') await requireOnTouched(galley, tx, release, caller)
      const now = isoNow()
      for (const job of await w.listJobs({ releaseId: release.id, state: 'pending' }))
        await w.updateJob({ ...job, state: 'cancelled', ranAt: now, error: 'release archived' })
      const next: ReleaseRow = { ...release, state: 'archived', updatedAt: now }
      await w.updateRelease(next)
      return next
    })
  }

  /**
   * Delete a release: its record, schedules and items, and every document's variant in it
   * (the documents themselves stay, with their revision history). Deleting a published
   * release also forgets what it replaced, so it can no longer be reverted: archive it to
   * keep that.
   */
  async delete(args: IdArgs): Promise<{ id: string }> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    return galley.transaction(async (g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, args.id)
      // Deleting drops content: only who may change (and, once scheduled, publish) every
      // collection the release holds content of.
      await requireOnTouched(g, tx, release, caller)
      for (const coll of g.config.collections.values())
        for (let rows = await releaseHeads(tx, coll, release.id); rows.length;) {
          for (const row of rows) await dropReleaseVariant(g, tx, coll, row.id, release.id, SERVER)
          rows = await releaseHeads(tx, coll, release.id)
        }
      await w.deleteRelease(release.id)
      return { id: release.id }
    })
  }

  /** Add "unpublish this document" to a release (dropping any content it had in it). */
  async addUnpublish(args: IdArgs & { collection: string; docId: string }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const coll = galley.collection(args.collection)
    await requirePublishAll(galley.config, [coll.slug], caller)
    return galley.transaction(async (g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, args.id)
      requireOpen(release, 'change')
      const heads = isValidId(args.docId) ? await tx.getHeads(coll.storageKey, args.docId) : []
      if (!heads.length)
        throw new NotFoundError(
          `'${coll.slug}' ${JSON.stringify(args.docId).slice(0, 80)} does not exist.`,
        )
      if (heads.length === 1 && heads[0]!.variant === `release:${release.id}`)
        throw new InputError(
          `'${coll.slug}' ${args.docId} exists only in this release: remove it from the release instead.`,
        )
      await dropReleaseVariant(g, tx, coll, args.docId, release.id, caller)
      await w.putItems([
        {
          releaseId: release.id,
          collection: coll.slug,
          docId: args.docId,
          action: 'unpublish',
          before: null,
          done: false,
        },
      ])
      return release
    })
  }

  /** Take a document out of a release: its release content or its unpublish request. */
  async removeDocument(args: IdArgs & { collection: string; docId: string }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const coll = galley.collection(args.collection)
    return galley.transaction(async (g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, args.id)
      requireOpen(release, 'change')
      if (!isValidId(args.docId))
        throw new NotFoundError(
          `'${coll.slug}' ${JSON.stringify(String(args.docId)).slice(0, 80)} is not in this release.`,
        )
      await w.deleteItem(release.id, coll.slug, args.docId)
      await dropReleaseVariant(g, tx, coll, args.docId, release.id, caller)
      return release
    })
  }

  /**
   * The release, when it is open for content (active or scheduled) and the caller may change
   * releases: what a write into a release (`update({ release })`) checks first over HTTP.
   */
  async requireOpen(args: IdArgs & { collection?: string }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    // In the caller's transaction when there is one (a GraphQL mutation document).
    return galley.transaction(async (_g, tx) => {
      const release = await requireRelease(writesOf(tx), args.id)
      requireOpen(release, 'take changes')
      // A scheduled release is published by the server: only who may publish the content
      // unconditionally may still change it (else: unschedule, change, schedule again).
      if (release.state === 'scheduled') await requireScheduledWrite(galley, args, caller)
      return release
    })
  }

  /** Publish every document of the release at once, or none (see `ReleasePublishError`). */
  async publish(args: IdArgs): Promise<PublishReleaseResult> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    return publishRelease(galley, args.id, caller)
  }

  /** A new release putting back what a published release changed. */
  async revert(args: IdArgs): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    return revertRelease(galley, args.id, caller)
  }

  /** Publish the release at `publishAt` (a future ISO time with a time zone). */
  async schedule(args: IdArgs & { publishAt: unknown }): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    return scheduleRelease(galley, args.id, timeOf(args.publishAt, 'publishAt', true), caller)
  }

  async unschedule(args: IdArgs): Promise<ReleaseRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const release = await galley.transaction(async (_g, tx) =>
      requireRelease(writesOf(tx), args.id),
    )
    if (release.state === 'scheduled')
      await galley.transaction((_g, tx) => requireOnTouched(galley, tx, release, caller))
    return unscheduleRelease(galley, args.id)
  }

  /** Publish or unpublish one document at `at` (a future ISO time). */
  async scheduleDocument(
    args: CallerArgs & { collection: string; id: string; action: unknown; at: unknown },
  ): Promise<JobRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const at = timeOf(args.at, 'at', true)
    return scheduleDocument(galley, { ...args, at }, caller)
  }

  /** Scheduled jobs, newest time first (`state`, `releaseId`, `collection`, `docId` filter). */
  async listSchedules(args: CallerArgs & JobFilter = {}): Promise<JobRow[]> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseRead(galley.config, caller)
    const { state, releaseId, collection, docId, limit } = args
    if (state !== undefined && !['pending', 'done', 'failed', 'cancelled'].includes(state))
      throw new InputError("state must be 'pending', 'done', 'failed' or 'cancelled'.")
    // A filter no job can match answers nothing, without reaching the store.
    if (
      (releaseId !== undefined && !isReleaseId(releaseId)) ||
      (docId !== undefined && !isValidId(docId)) ||
      (collection !== undefined && !galley.config.collections.has(collection))
    )
      return []
    const jobs = await readsOf(galley).listJobs({ state, releaseId, collection, docId, limit })
    return visibleJobs(galley, jobs, caller)
  }

  async cancelSchedule(args: CallerArgs & { jobId: string }): Promise<JobRow> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseWrite(galley.config, caller)
    const job = isValidId(args.jobId) ? await readsOf(galley).getJob(args.jobId) : undefined
    if (job?.collection) await requirePublishAll(galley.config, [job.collection], caller)
    return cancelJob(galley, args.jobId)
  }

  /** Last run, failures with reasons, pending jobs. */
  async health(args: CallerArgs = {}): Promise<ScheduleHealth> {
    const { galley, caller } = callOf(this.galley, args)
    await requireReleaseRead(galley.config, caller)
    const health = await scheduleHealth(galley)
    const shown = new Set(
      (
        await visibleJobs(
          galley,
          health.failures.map((f) => ({ id: f.jobId, collection: f.collection, docId: f.docId })),
          caller,
        )
      ).map((j) => j.id),
    )
    return { ...health, failures: health.failures.filter((f) => shown.has(f.jobId)) }
  }

  /** Run one due job as `runner` (what `JobRunner` calls); undefined when none is due. */
  runDueJob(runner: string, now?: string): Promise<JobRow | undefined> {
    return runDueJob(this.galley, runner, now)
  }
}

const RELEASE_STATES: readonly ReleaseState[] = ['active', 'scheduled', 'published', 'archived']

/** A `state` filter: one state or a list of them; undefined for none. */
function statesOf(state: unknown): ReleaseState[] | undefined {
  if (state === undefined) return undefined
  const list = Array.isArray(state) ? [...new Set(state as unknown[])] : [state]
  if (list.length === 0 || list.length > RELEASE_STATES.length)
    throw new QueryError(`state must name 1 to 4 of: ${RELEASE_STATES.join(', ')}.`)
  for (const s of list)
    if (!RELEASE_STATES.includes(s as ReleaseState))
      throw new QueryError(
        `state ${JSON.stringify(s)?.slice(0, 40)} is not a release state; use ${RELEASE_STATES.join(', ')}.`,
      )
  return list as ReleaseState[]
}
