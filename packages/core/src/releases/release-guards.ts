import { type Caller, decideAccess } from '../access/access'
import type { Galley } from '../documents/galley'
import { ForbiddenError } from '../errors'
import type { StorageTransaction } from '../storage/storage-adapter'
import { requirePublishAll } from './release-access'
import { writesOf } from './release-context'
import { releaseHeads } from './release-documents'
import type { ReleaseRow } from './release-storage'

/**
 * The jobs a caller may know of: release jobs (releases are for whoever reads drafts), and
 * document jobs of documents it may read drafts of (under a where rule: that still match).
 */
export async function visibleJobs<J extends { collection: string | null; docId: string | null }>(
  galley: Galley,
  jobs: J[],
  caller: Caller,
): Promise<J[]> {
  if (caller.overrideAccess) return jobs
  const out: J[] = []
  for (const job of jobs) {
    if (job.collection === null || job.docId === null) {
      out.push(job)
      continue
    }
    const coll = galley.config.collections.get(job.collection)
    const drafts = coll ? await decideAccess(coll, 'readDrafts', caller) : undefined
    const read = coll ? await decideAccess(coll, 'read', caller) : undefined
    if (!coll || !drafts?.allowed || !read?.allowed) continue
    if (!drafts.where && !read.where) {
      out.push(job)
      continue
    }
    const { user } = caller
    const doc = await galley.findById({ collection: coll.slug, id: job.docId, draft: true, user })
    if (doc) out.push(job)
  }
  return out
}

/**
 * `update` on every collection a release holds content or unpublish requests of, and
 * `publish` too while it is scheduled (what scheduling it needed).
 */
export async function requireOnTouched(
  galley: Galley,
  tx: StorageTransaction,
  release: ReleaseRow,
  caller: Caller,
): Promise<void> {
  if (caller.overrideAccess) return
  const touched = new Set((await writesOf(tx).listItems(release.id)).map((i) => i.collection))
  for (const coll of galley.config.collections.values())
    if (!touched.has(coll.slug) && (await releaseHeads(tx, coll, release.id)).length)
      touched.add(coll.slug)
  await requirePublishAll(galley.config, touched, caller, 'update')
  if (release.state === 'scheduled') await requirePublishAll(galley.config, touched, caller)
}

export async function requireScheduledWrite(
  galley: Galley,
  args: { id: string; collection?: string },
  caller: Caller,
): Promise<void> {
  if (caller.overrideAccess) return
  const coll =
    args.collection === undefined ? undefined : galley.config.collections.get(args.collection)
  const d = coll ? await decideAccess(coll, 'publish', caller) : undefined
  if (!d?.allowed || d.where)
    throw new ForbiddenError(
      `Release ${args.id} is scheduled: changing it needs the publish permission on '${args.collection ?? 'its collections'}'. Unschedule it first.`,
    )
}
