import type { Caller } from '../access/access'
import type { SanitizedCollection } from '../config/config-types'
import type { Galley } from '../documents/galley'
import type { StorageReader } from '../storage/storage-adapter'

/**
 * Take a document's content out of a release. A document that exists only in that release
 * (created inside it) goes altogether, history included: nothing else would ever show it.
 */
export async function dropReleaseVariant(
  g: Galley,
  reader: StorageReader,
  coll: SanitizedCollection,
  id: string,
  releaseId: string,
  caller: Caller,
): Promise<void> {
  const heads = await reader.getHeads(coll.storageKey, id)
  const variant = `release:${releaseId}`
  if (!heads.some((h) => h.variant === variant)) return
  const { user, overrideAccess } = caller
  if (heads.length === 1) await g.delete({ collection: coll.slug, id, user, overrideAccess })
  else await g.discardDraft({ collection: coll.slug, id, release: releaseId, user, overrideAccess })
}
