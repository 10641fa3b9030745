import { decideAccess, type Galley, type SanitizedCollection } from '@galley/core'
import type { FeedEntry } from '@galley/core/storage'
import type { AuthUser } from '../auth/roles'
import { INTERNAL_PREFIX } from '../auth/with-auth'

/**
 * What a listener hears of a change: everything (`drafts`: it may read the document's
 * drafts), only what the public sees (`published`), or nothing.
 */
export type View = 'drafts' | 'published' | null

/** The event as sent: ids and status, never content. */
export interface ChangeMessage {
  kind: 'collection' | 'global'
  collection?: string
  id?: string
  global?: string
  operation: FeedEntry['operation']
  status: FeedEntry['status']
  rev?: string
  published: boolean
  at: string
}

/**
 * Decide what `user` hears of `entry`, the way reads decide what it sees:
 * - the server's own `galley-*` collections: nothing, ever;
 * - a caller whose `readDrafts` rule allows it hears every change it could read in the
 *   drafts perspective (with a where rule: only a document that still resolves for it);
 * - anyone else hears only changes to published content, and only of a document it may
 *   read: under a where rule, one that resolves for it in the published perspective after
 *   the change. A removal (unpublish, delete) under a where rule is not announced: the
 *   content that decided it is gone, and announcing it could name a document the listener
 *   never could read.
 */
export async function viewOf(
  galley: Galley,
  entry: FeedEntry,
  user: AuthUser | null,
): Promise<View> {
  if (entry.collection.startsWith(INTERNAL_PREFIX)) return null
  const coll: SanitizedCollection | undefined =
    entry.kind === 'global'
      ? galley.config.globals.get(entry.collection)
      : galley.config.collections.get(entry.collection)
  if (!coll) return null
  const caller = { user, overrideAccess: false }
  const drafts = await decideAccess(coll, 'readDrafts', caller)
  if (drafts.allowed) {
    if (!drafts.where || entry.kind === 'global') return 'drafts'
    if (entry.status === null) return null
    const doc = await galley.findById({
      collection: entry.collection,
      id: entry.id,
      perspective: 'drafts',
      user,
    })
    return doc ? 'drafts' : null
  }
  if (!entry.published) return null
  const read = await decideAccess(coll, 'read', caller)
  if (!read.allowed) return null
  if (!read.where || entry.kind === 'global') return 'published'
  if (entry.status === null || entry.status === 'draft') return null
  const doc = await galley.findById({
    collection: entry.collection,
    id: entry.id,
    perspective: 'published',
    user,
  })
  return doc ? 'published' : null
}

/**
 * The message a view allows. The published view tells nothing of drafts: its status is
 * `published` while public content exists and `null` once it is gone, and it names a
 * revision only when that revision is the published content.
 */
export function messageOf(entry: FeedEntry, view: 'drafts' | 'published'): ChangeMessage {
  const where =
    entry.kind === 'global'
      ? { kind: 'global' as const, global: entry.collection }
      : { kind: 'collection' as const, collection: entry.collection, id: entry.id }
  if (view === 'drafts')
    return {
      ...where,
      operation: entry.operation,
      status: entry.status,
      ...(entry.rev ? { rev: entry.rev } : {}),
      published: entry.published,
      at: entry.at,
    }
  const live = entry.status === 'published' || entry.status === 'changed'
  const publishedRev = live && entry.operation !== 'unpublish' && entry.operation !== 'discardDraft'
  return {
    ...where,
    operation: entry.operation,
    status: live ? 'published' : null,
    ...(publishedRev && entry.rev ? { rev: entry.rev } : {}),
    published: true,
    at: entry.at,
  }
}
