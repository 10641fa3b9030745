import { decideAccess, type ChangeEvent, type Galley } from '@galley/core'
import { INTERNAL_PREFIX, USERS } from '../auth/with-auth'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher'
import { docTag, globalTag } from './cache-tags'

/**
 * Cache-tag purges for every committed change the public can see, whoever made it: REST,
 * GraphQL, a hook's nested write, server code or `galley seed` on this engine. Events
 * arrive after the commit (never for a rollback) and are sent as `{ event, tags, at }`
 * with the operation as the event name: `<collection>:<id>` and `<collection>` for a
 * document, `globals:<slug>` for a global. The server's own `galley-*` collections are never
 * purged, nor `users` unless anonymous callers may read it. Returns the unsubscribe function.
 */
export function purgeOnChange(
  galley: Galley,
  webhooks: WebhookDispatcher,
  logger: Pick<Console, 'error'>,
): () => void {
  return galley.subscribe((event) => {
    if (!event.published && !ALWAYS_PURGED.has(event.operation)) return
    if (event.kind === 'global')
      return webhooks.emit(event.operation, [globalTag(event.collection)])
    if (event.collection.startsWith(INTERNAL_PREFIX)) return
    if (event.collection === USERS) {
      void publicRead(galley, USERS).then(
        (isPublic) => isPublic && webhooks.emit(event.operation, tagsOf(event)),
        (err) => logger.error('[galley] cache purge of a user failed', err),
      )
      return
    }
    webhooks.emit(event.operation, tagsOf(event))
  })
}

/**
 * Explicit publishing actions purge even when the public content did not change (publishing
 * what is already published, deleting a draft-only document): cheap, and a receiver that
 * missed an earlier purge gets another chance.
 */
const ALWAYS_PURGED = new Set<ChangeEvent['operation']>(['publish', 'unpublish', 'delete'])

function tagsOf(event: ChangeEvent): string[] {
  return [docTag(event.collection, event.id), event.collection]
}

/** Whether an anonymous caller may read some of `slug` (only then can it be cached publicly). */
async function publicRead(galley: Galley, slug: string): Promise<boolean> {
  const collection = galley.config.collections.get(slug)
  if (!collection) return false
  return (await decideAccess(collection, 'read', { user: null, overrideAccess: false })).allowed
}
