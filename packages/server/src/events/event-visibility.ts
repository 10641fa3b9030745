import { decideAccess, type Galley, type SanitizedCollection } from '@galley/core'
import { type FeedEntry, matchWhere } from '@galley/core/storage'
import type { AuthUser } from '../auth/roles'
import { INTERNAL_PREFIX } from '../auth/with-auth'

/**
 * What a listener hears of a change: everything (`drafts`: it may read the document's
 * drafts), only what the public sees (`published`), or nothing.
 */
export type View = 'drafts' | 'published' | null

/**
 * What one listener is sent of a change: the change in a view, or (`left`) that the
 * document it could read in that view is no longer readable to it after this change.
 */
export type Heard = View | 'left:drafts' | 'left:published'

/** A document as where rules match it (`@galley/core/storage`'s `matchWhere`). */
type MatchTarget = Parameters<typeof matchWhere>[1]

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
 * What one listener group (one user) hears of a change. `view` goes to every listener of
 * the group; under a where rule, `after` says whether the group can read the document once
 * the change is made (each listener remembers it), and `ifSeen` marks a removal that goes,
 * in that view, only to the listeners that could read the document before it.
 */
export interface Verdict {
  view: View
  /** Under a where rule: the view the document can be read in after the change, or null. */
  after?: View
  /** A removal under a where rule: announced in this view to listeners that had seen it. */
  ifSeen?: 'drafts' | 'published'
}

/** Work shared by the groups a change is decided for (one history read per removal). */
export type EntryCache = Map<string, Promise<MatchTarget | null>>

/**
 * Decide what `user` hears of `entry`, the way reads decide what it sees:
 * - the server's own `galley-*` collections: nothing, ever;
 * - a caller whose `read` rule does not allow it hears nothing;
 * - a caller whose `readDrafts` rule allows it too hears every change it could read in the
 *   drafts perspective (when either rule is a where: only a document that still resolves
 *   for it under both, or, for a delete, one it could read before: `ifSeen`);
 * - anyone else hears only changes to published content, and only of a document it may
 *   read: under a where rule, one that resolves for it in the published perspective after
 *   the change. A removal under a where rule is checked against what came before it: an
 *   unpublish against the published content it took down (from the document's history),
 *   a delete (whose history goes with it) against what each listener last could read.
 *   So a removal is never announced to a listener that could not read the document.
 */
export async function viewOf(
  galley: Galley,
  entry: FeedEntry,
  user: AuthUser | null,
  cache: EntryCache = new Map(),
): Promise<Verdict> {
  if (entry.collection.startsWith(INTERNAL_PREFIX)) return { view: null }
  const coll: SanitizedCollection | undefined =
    entry.kind === 'global'
      ? galley.config.globals.get(entry.collection)
      : galley.config.collections.get(entry.collection)
  if (!coll) return { view: null }
  const caller = { user, overrideAccess: false }
  // As reads decide (readAccess): nothing without `read`; the drafts perspective needs
  // `readDrafts` too, under both rules' where constraints.
  const read = await decideAccess(coll, 'read', caller)
  if (!read.allowed) return { view: null }
  const drafts = await decideAccess(coll, 'readDrafts', caller)
  if (drafts.allowed) {
    if ((!drafts.where && !read.where) || entry.kind === 'global') return { view: 'drafts' }
    if (entry.status === null) return { view: null, after: null, ifSeen: 'drafts' }
    const view = (await resolves(galley, entry, user, 'drafts')) ? 'drafts' : null
    return { view, after: view }
  }
  if (!entry.published) return { view: null }
  if (!read.where || entry.kind === 'global') return { view: 'published' }
  if (entry.status === null) return { view: null, after: null, ifSeen: 'published' }
  if (entry.operation === 'unpublish') {
    let before = cache.get('published-before')
    if (!before) cache.set('published-before', (before = publishedBefore(galley, entry)))
    const target = await before.catch(() => null)
    if (target && matchWhere(read.where, target)) return { view: 'published', after: null }
    return { view: null, after: null, ifSeen: 'published' }
  }
  if (entry.status === 'draft') return { view: null, after: null }
  const view = (await resolves(galley, entry, user, 'published')) ? 'published' : null
  return { view, after: view }
}

/** Whether the document of `entry` resolves for `user` in `perspective` now. */
async function resolves(
  galley: Galley,
  entry: FeedEntry,
  user: AuthUser | null,
  perspective: 'drafts' | 'published',
): Promise<boolean> {
  const doc = await galley.findById({
    collection: entry.collection,
    id: entry.id,
    perspective,
    depth: 0,
    user,
  })
  return doc !== null
}

/** Revisions read at the most to find what an unpublish took down. */
const HISTORY_PAGES = 10

/**
 * The published content that the unpublish `entry` took down, as where rules match it:
 * the newest revision before the unpublish that wrote the published variant. Revisions
 * are pruned oldest first and never while they are live, so if that one is gone, every
 * older one is too: then (or when the document is gone) null, and nothing is announced.
 */
async function publishedBefore(galley: Galley, entry: FeedEntry): Promise<MatchTarget | null> {
  if (!entry.rev) return null
  const collection = entry.collection
  let past = false
  for (let page = 1; page <= HISTORY_PAGES; page++) {
    const res = await galley.listRevisions({ collection, id: entry.id, limit: 1000, page })
    for (const r of res.docs) {
      if (!past) {
        past = r.id === entry.rev
        continue
      }
      const writes =
        r.action === 'publish' ||
        (r.variant === 'published' && r.action !== 'unpublish' && r.action !== 'discardDraft')
      if (!writes && !(r.action === 'unpublish' || r.variant === 'published')) continue
      if (!writes || !r.data) return null // took the published content down: none before
      const doc = await galley.findById({ collection, id: entry.id, draft: true, depth: 0 })
      if (!doc) return null
      return {
        id: entry.id,
        createdAt: doc.createdAt,
        updatedAt: r.createdAt,
        status: 'published',
        variant: 'published',
        data: r.data,
      }
    }
    if (!res.hasNextPage) break
  }
  return null
}

/**
 * The message a view allows. The published view tells nothing of drafts: its status is
 * `published` while public content exists and `null` once it is gone, and it names a
 * revision only when that revision is the published content. A listener the change took
 * the document away from hears it with status `null` and no revision, like a removal.
 */
export function messageOf(entry: FeedEntry, heard: Exclude<Heard, null>): ChangeMessage {
  if (heard === 'left:drafts' || heard === 'left:published') {
    // Gone from what this listener may read: a removal as its view tells one, no revision.
    const { rev: _rev, ...message } = messageOf(
      entry,
      heard === 'left:drafts' ? 'drafts' : 'published',
    )
    return { ...message, status: null }
  }
  const view = heard
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
