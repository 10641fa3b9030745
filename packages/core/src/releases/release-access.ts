import { type Caller, decideAccess } from '../access/access'
import type { SanitizedConfig } from '../config/config-types'
import { ForbiddenError } from '../errors'
import { matchTarget } from '../documents/read/to-doc'
import type { StorageReader } from '../storage/storage-adapter'
import { matchWhere } from '../where/match-where'

/**
 * Releases hold unpublished content, so only a caller who may read drafts of at least one
 * collection sees them (and of its documents, only those of collections it may read drafts
 * of). Changing one needs `update` on at least one collection; publishing and scheduling
 * need `publish` on every collection the release touches (checked per document).
 */
export async function requireReleaseRead(config: SanitizedConfig, caller: Caller): Promise<void> {
  if (caller.overrideAccess) return
  for (const coll of config.collections.values())
    if ((await decideAccess(coll, 'readDrafts', caller)).allowed) return
  throw new ForbiddenError('Releases need the readDrafts permission on at least one collection.')
}

export async function requireReleaseWrite(config: SanitizedConfig, caller: Caller): Promise<void> {
  if (caller.overrideAccess) return
  await requireReleaseRead(config, caller)
  for (const coll of config.collections.values())
    if ((await decideAccess(coll, 'update', caller)).allowed) return
  throw new ForbiddenError(
    'Changing releases needs the update permission on at least one collection.',
  )
}

/** `publish` on every collection in `slugs`, or a `ForbiddenError` naming the first refused. */
export async function requirePublishAll(
  config: SanitizedConfig,
  slugs: Iterable<string>,
  caller: Caller,
  op: 'publish' | 'update' = 'publish',
): Promise<void> {
  if (caller.overrideAccess) return
  for (const slug of new Set(slugs)) {
    const coll = config.collections.get(slug)
    if (!coll || !(await decideAccess(coll, op, caller)).allowed)
      throw new ForbiddenError(`You are not allowed to ${op} documents in '${slug}'.`)
  }
}

/** The revision author form of a caller: its user id, or null. */
export function userIdOf(user: unknown): string | null {
  if (user && typeof user === 'object' && 'id' in user) return String((user as { id: unknown }).id)
  return null
}

/**
 * What a schedule checks before it hands a document to the job runner, which runs as the
 * server: `publish` on the document's collection, and under a where rule every variant of
 * it (the release content, the draft, the published content) must match, so a rule such as
 * "editors publish their own posts" cannot be stepped round by scheduling someone else's.
 */
export async function requirePublishDocuments(
  config: SanitizedConfig,
  reader: StorageReader,
  docs: Iterable<{ collection: string; id: string }>,
  caller: Caller,
): Promise<void> {
  if (caller.overrideAccess) return
  for (const doc of docs) {
    const coll = config.collections.get(doc.collection)
    const d = coll ? await decideAccess(coll, 'publish', caller) : { allowed: false as const }
    if (!coll || !d.allowed)
      throw new ForbiddenError(`You are not allowed to publish documents in '${doc.collection}'.`)
    if (!d.where) continue
    const heads = await reader.getHeads(coll.storageKey, doc.id)
    if (heads.some((h) => !matchWhere(d.where!, matchTarget(h))))
      throw new ForbiddenError(
        `You are not allowed to publish '${doc.collection}' ${doc.id.slice(0, 64)}: your publish rule does not match it.`,
      )
  }
}
