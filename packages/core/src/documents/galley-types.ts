import type { Perspective, Variant } from '../perspectives/perspective'
import type { DocStatus, RevisionRow } from '../storage/storage-adapter'
import type { Where } from '../where/where-types'

/** A document as every read and write returns it. */
export type GalleyDoc<T = Record<string, unknown>> = T & {
  id: string
  _status: DocStatus
  _variant: Variant
  _rev: string
  createdAt: string
  updatedAt: string
  /**
   * Who wrote the content shown (a user id, or null for server code and anonymous callers):
   * in reads of drafts, raw and releases only, never in published reads or write answers.
   */
  updatedBy?: string | null
}

/** Who is calling: omit `user` for trusted server code (access is skipped), pass `null` for anonymous. */
export interface CallerArgs {
  user?: unknown
  /** Skip access rules. Defaults to true when `user` is omitted, false otherwise. */
  overrideAccess?: boolean
}

export interface CreateArgs extends CallerArgs {
  collection: string
  data: Record<string, unknown>
  /** Write the draft variant (relaxed validation) instead of publishing. */
  draft?: boolean
  /** Optional id (url-safe, ≤ 64 chars); generated when omitted. */
  id?: string
  /**
   * Create the document inside this release only (its `release:<id>` variant, validated as a
   * draft): it exists for nobody else until the release is published.
   */
  release?: string
  depth?: number
}

export interface UpdateArgs extends CallerArgs {
  collection: string
  id: string
  /** Fields to change; the rest keep their current (newest) values. */
  data: Record<string, unknown>
  draft?: boolean
  autosave?: boolean
  /** Write the content of a release instead (`release:<id>` variant). */
  release?: string
  ifRevision?: string
  depth?: number
}

export interface DocumentActionArgs extends CallerArgs {
  collection: string
  id: string
  ifRevision?: string
  /**
   * `publish`: publish this release's content of the document (its draft stays);
   * `discardDraft`: take the document out of this release. Ignored by `unpublish`.
   */
  release?: string
}

export interface FindByIdArgs extends CallerArgs {
  collection: string
  id: string
  perspective?: Perspective
  /** `true` is the `drafts` perspective. */
  draft?: boolean
  depth?: number
}

export interface FindArgs extends CallerArgs {
  collection: string
  where?: Where
  /** `'title'`, `'-createdAt'`, `'title,-views'` or a list. */
  sort?: string | string[]
  limit?: number
  page?: number
  perspective?: Perspective
  draft?: boolean
  depth?: number
}

export interface CountArgs extends CallerArgs {
  collection: string
  where?: Where
  perspective?: Perspective
  draft?: boolean
}

export interface PaginatedDocs<T> {
  docs: T[]
  totalDocs: number
  limit: number
  page: number
  totalPages: number
  hasNextPage: boolean
  hasPrevPage: boolean
}

/** One entry of a document's history, as the Local API returns it. */
export type Revision = Omit<RevisionRow, 'collection'>

export interface ListRevisionsArgs extends CallerArgs {
  collection: string
  id: string
  limit?: number
  page?: number
}

export interface RestoreRevisionArgs extends CallerArgs {
  collection: string
  id: string
  revisionId: string
  /** Restore as the draft (default when the collection has drafts) or publish it. */
  draft?: boolean
  ifRevision?: string
}

export interface DeleteArgs extends CallerArgs {
  collection: string
  id: string
  ifRevision?: string
}

export interface FindGlobalArgs extends CallerArgs {
  slug: string
  perspective?: Perspective
  draft?: boolean
  depth?: number
}

export interface UpdateGlobalArgs extends CallerArgs {
  slug: string
  data: Record<string, unknown>
  draft?: boolean
  autosave?: boolean
  ifRevision?: string
}

export interface GlobalActionArgs extends CallerArgs {
  slug: string
  ifRevision?: string
}

export type RestoreGlobalRevisionArgs = Omit<RestoreRevisionArgs, 'collection' | 'id'> & {
  slug: string
}

export type ListGlobalRevisionsArgs = Omit<ListRevisionsArgs, 'collection' | 'id'> & {
  slug: string
}

/** The Local API: every call of DESIGN.md, the contract all other layers speak. */
export interface GalleyContext {
  create<T = Record<string, unknown>>(args: CreateArgs): Promise<GalleyDoc<T>>
  update<T = Record<string, unknown>>(args: UpdateArgs): Promise<GalleyDoc<T>>
  publish<T = Record<string, unknown>>(args: DocumentActionArgs): Promise<GalleyDoc<T>>
  unpublish<T = Record<string, unknown>>(args: DocumentActionArgs): Promise<GalleyDoc<T>>
  discardDraft<T = Record<string, unknown>>(args: DocumentActionArgs): Promise<GalleyDoc<T>>
  findById<T = Record<string, unknown>>(args: FindByIdArgs): Promise<GalleyDoc<T> | null>
  find<T = Record<string, unknown>>(args: FindArgs): Promise<PaginatedDocs<GalleyDoc<T>>>
  count(args: CountArgs): Promise<{ totalDocs: number }>
  listRevisions(args: ListRevisionsArgs): Promise<PaginatedDocs<Revision>>
  restoreRevision<T = Record<string, unknown>>(args: RestoreRevisionArgs): Promise<GalleyDoc<T>>
  delete(args: DeleteArgs): Promise<{ id: string }>
  findGlobal<T = Record<string, unknown>>(args: FindGlobalArgs): Promise<GalleyDoc<T>>
  updateGlobal<T = Record<string, unknown>>(args: UpdateGlobalArgs): Promise<GalleyDoc<T>>
  publishGlobal<T = Record<string, unknown>>(args: GlobalActionArgs): Promise<GalleyDoc<T>>
  unpublishGlobal<T = Record<string, unknown>>(args: GlobalActionArgs): Promise<GalleyDoc<T>>
  discardGlobalDraft<T = Record<string, unknown>>(args: GlobalActionArgs): Promise<GalleyDoc<T>>
  restoreGlobalRevision<T = Record<string, unknown>>(
    args: RestoreGlobalRevisionArgs,
  ): Promise<GalleyDoc<T>>
  listGlobalRevisions(args: ListGlobalRevisionsArgs): Promise<PaginatedDocs<Revision>>
}
