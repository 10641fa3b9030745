import type { Variant } from '../perspectives/perspective'
import type { DocStatus, RevisionRow } from '../storage/storage-adapter'

/** The variants of one document, as content plus the revision behind each. */
export type HeadMap = Map<
  Variant,
  { rev: string; data: Record<string, unknown>; updatedAt: string }
>

/**
 * Apply one revision to a document's variants. This is the single definition of what
 * every action does; writes use it, and replaying a history with it gives the heads.
 */
export function applyRevision(heads: HeadMap, rev: RevisionRow): HeadMap {
  const next: HeadMap = new Map(heads)
  const head = { rev: rev.id, data: rev.data ?? {}, updatedAt: rev.createdAt }
  switch (rev.action) {
    case 'create':
    case 'update':
    case 'autosave':
    case 'restore':
      next.set(rev.variant, head)
      // Writing the published content directly supersedes any draft.
      if (rev.variant === 'published') next.delete('draft')
      break
    case 'publish':
      next.set('published', head)
      // Publishing a release's content drops that release variant; the draft, a working
      // copy of its own, stays. Publishing the draft drops the draft.
      next.delete(rev.variant.startsWith('release:') ? rev.variant : 'draft')
      break
    case 'unpublish':
      next.set('draft', head)
      next.delete('published')
      break
    case 'discardDraft':
      // Its data is a copy of the published content it reverts to (for history); the
      // published head keeps its own revision, so what the public sees does not change.
      // With a `release:<id>` variant it takes the document out of that release instead.
      next.delete(rev.variant)
      break
  }
  return next
}

/** Heads that a history implies, oldest revision first. */
export function replayRevisions(revisions: RevisionRow[]): HeadMap {
  return revisions.reduce(applyRevision, new Map() as HeadMap)
}

/** `draft` (never published), `published` (no newer draft), `changed` (both). */
export function statusOf(heads: HeadMap): DocStatus {
  if (!heads.has('published')) return 'draft'
  return heads.has('draft') ? 'changed' : 'published'
}
