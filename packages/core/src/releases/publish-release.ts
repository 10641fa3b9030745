import type { Caller } from '../access/access'
import type { Galley } from '../documents/galley'
import { type FieldError, GalleyError, ValidationError } from '../errors'
import { newId } from '../ids'
import { type StorageTransaction, UniqueViolation } from '../storage/storage-adapter'
import { isoNow } from '../timestamps'
import { requirePublishAll, userIdOf } from './release-access'
import { requireOpen, requireRelease, writesOf } from './release-context'
import { type ReleaseDocument, releaseDocuments } from './release-documents'
import type { ReleaseId, ReleaseRow, ReleaseWrites } from './release-storage'

/** What happened to one document of a release that was published (or was not). */
export interface ReleaseItemResult {
  collection: string
  id: string
  action: 'publish' | 'unpublish'
  /** `published`/`unpublished`; `skipped` (nothing to do); `failed`; `not-run` (another failed). */
  outcome: 'published' | 'unpublished' | 'skipped' | 'failed' | 'not-run'
  errors?: FieldError[]
  message?: string
}

/** The outcome of publishing a release: all of it or nothing, with a result per document. */
export interface PublishReleaseResult {
  release: ReleaseRow
  documents: ReleaseItemResult[]
}

/**
 * Publishing a release failed and nothing was published: `documents` says, per document,
 * what failed (with field errors) and what was not run. `fields` lists every field error
 * as `<collection>/<id>.<path>`.
 */
export class ReleasePublishError extends ValidationError {
  readonly documents: ReleaseItemResult[]
  constructor(releaseId: string, documents: ReleaseItemResult[]) {
    const failed = documents.filter((d) => d.outcome === 'failed')
    const fields = failed.flatMap((d) =>
      (d.errors?.length ? d.errors : [{ path: '', message: d.message ?? 'failed' }]).map((e) => ({
        path: `${d.collection}/${d.id}${e.path ? `.${e.path}` : ''}`,
        message: e.message,
      })),
    )
    super(fields)
    this.message = `Release ${releaseId} was not published (nothing was): ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`
    this.name = 'ReleasePublishError'
    this.documents = documents
  }
}

/**
 * Publish every document of a release in one transaction: each is validated fully first
 * (any failure names each document and field and publishes nothing), then each release
 * variant becomes published (drafts stay) and each unpublish request is carried out.
 * What each document was before is kept for `revert`. Change events (webhooks, cache
 * purges, live events) follow per document once the transaction commits.
 */
export async function publishRelease(
  galley: Galley,
  id: string,
  caller: Caller,
): Promise<PublishReleaseResult> {
  const results: ReleaseItemResult[] = []
  try {
    return await galley.transaction(async (g, tx) => {
      const w = writesOf(tx)
      const release = await requireRelease(w, id)
      requireOpen(release, 'be published')
      return publishInTransaction(g, tx, release, caller, results)
    })
  } catch (err) {
    // The store reports a unique clash once the transaction is over: name the document.
    const failed = results.find((r) => r.outcome === 'failed')
    if (!(err instanceof UniqueViolation) || !failed) throw err
    failed.errors = [
      {
        path: err.path,
        message: 'This value is already used by another document; it must be unique.',
      },
    ]
    delete failed.message
    throw new ReleasePublishError(id, results)
  }
}

/** The body of `publishRelease`, inside the caller's transaction (the job runner's too). */
export async function publishInTransaction(
  g: Galley,
  tx: StorageTransaction,
  release: ReleaseRow,
  caller: Caller,
  results: ReleaseItemResult[] = [],
): Promise<PublishReleaseResult> {
  const w = writesOf(tx)
  const items = await w.listItems(release.id)
  // Every document, whatever the caller may read: a release publishes all or nothing.
  const docs = await releaseDocuments(
    g.config,
    tx,
    release,
    items,
    { user: undefined, overrideAccess: true },
    true,
  )
  await requirePublishAll(
    g.config,
    docs.map((d) => d.collection),
    caller,
  )
  results.length = 0
  results.push(
    ...docs.map((d): ReleaseItemResult => ({
      collection: d.collection,
      id: d.id,
      action: d.action,
      outcome: d.valid ? 'not-run' : 'failed',
      ...(d.valid ? {} : { errors: d.errors }),
    })),
  )
  if (results.some((r) => r.outcome === 'failed'))
    throw new ReleasePublishError(release.id, results)
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!
    const result = results[i]!
    try {
      result.outcome = await publishOne(g, release, doc, caller)
    } catch (err) {
      result.outcome = 'failed'
      if (err instanceof ValidationError) result.errors = err.fields
      if (!(err instanceof GalleyError)) throw err // a store error: publishRelease names it
      result.message = err.expose ? err.message : 'internal error'
      throw new ReleasePublishError(release.id, results)
    }
  }
  // What each document was before, for revert.
  await w.putItems(
    docs.map((d) => ({
      releaseId: release.id,
      collection: d.collection,
      docId: d.id,
      action: d.action,
      before: d.published,
      done: true,
    })),
  )
  const now = isoNow()
  const published: ReleaseRow = { ...release, state: 'published', publishedAt: now, updatedAt: now }
  await w.updateRelease(published)
  // Pending schedules of this release have nothing left to do.
  for (const job of await w.listJobs({ releaseId: release.id, state: 'pending' }))
    await w.updateJob({
      ...job,
      state: 'cancelled',
      ranAt: now,
      error: 'published before its time',
    })
  return { release: published, documents: results }
}

async function publishOne(
  g: Galley,
  release: ReleaseRow,
  doc: ReleaseDocument,
  caller: Caller,
): Promise<ReleaseItemResult['outcome']> {
  const { user, overrideAccess } = caller
  if (doc.action === 'unpublish') {
    if (!doc.published) return 'skipped'
    await g.unpublish({ collection: doc.collection, id: doc.id, user, overrideAccess })
    return 'unpublished'
  }
  await g.publish({
    collection: doc.collection,
    id: doc.id,
    release: release.id,
    user,
    overrideAccess,
  })
  return 'published'
}

/**
 * A new release that puts back what each document of a published release was before it:
 * the earlier published content as its release content, or an unpublish request for a
 * document the release published first. Publish it to revert.
 */
export async function revertRelease(
  galley: Galley,
  id: string,
  caller: Caller,
): Promise<ReleaseRow> {
  return galley.transaction(async (g, tx) => {
    const w = writesOf(tx)
    const release = await requireRelease(w, id)
    if (release.publishedAt === null)
      throw new ValidationError([
        {
          path: 'state',
          message: `release ${id} is ${release.state}; only a release that was published can be reverted.`,
        },
      ])
    const items = (await w.listItems(release.id)).filter((i) => i.done)
    await requirePublishAll(
      g.config,
      items.map((i) => i.collection),
      caller,
    )
    const now = isoNow()
    const revert: ReleaseRow = {
      id: `r${newId()}` as ReleaseId,
      title: `Revert: ${release.title}`.slice(0, 200),
      description: `Puts back what release ${release.id} changed.`,
      type: 'asap',
      publishAt: null,
      state: 'active',
      createdBy: userIdOf(caller.user),
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      revertOf: release.id,
    }
    await w.insertRelease(revert)
    const { user, overrideAccess } = caller
    for (const item of items) {
      const heads = await tx.getHeads(g.collection(item.collection).storageKey, item.docId)
      if (heads.length === 0) continue // deleted since: nothing to put back
      if (item.before === null) {
        await w.putItems([
          {
            ...item,
            releaseId: revert.id,
            action: 'unpublish',
            before: null,
            done: false,
          },
        ])
        continue
      }
      // The release content replaces every field: fields the earlier content lacked go.
      const newest = (heads.find((h) => h.inDrafts) ?? heads[0]!).data
      const cleared = Object.fromEntries(Object.keys(newest).map((k) => [k, undefined]))
      await g.update({
        collection: item.collection,
        id: item.docId,
        release: revert.id,
        data: { ...cleared, ...item.before },
        user,
        overrideAccess,
      })
    }
    return revert
  })
}
