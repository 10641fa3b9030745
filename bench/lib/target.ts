// The one shape every benchmarked system is driven through. Galley and each peer wrap
// their own API in it, so the workload code is literally the same on both sides.

export type Perspective = 'published' | 'drafts'

/** A document id as the system hands it out (Payload: number, Galley: string). */
export type DocId = string | number

export interface PostData {
  title: string
  /** Unique (`unique: true`). */
  slug: string
  /** One per document, but the field is only `index: true` (not unique). */
  code: string
  /** `index: true`; each value shared by 2% of the seeded documents. */
  category: string
  body: string
  views: number
}

/** The non-unique indexed fields the lookup phases filter on. */
export type LookupField = 'code' | 'category'

export interface BenchTarget {
  /** e.g. `galley-sqlite`, `payload-sqlite`. */
  readonly name: string
  /** Not measured: create published posts, batched in a transaction where the API allows. */
  seedPublished(posts: readonly PostData[]): Promise<DocId[]>
  /** Not measured: draft saves used to build history, batched where the API allows. */
  seedDrafts(saves: readonly { id: DocId; data: PostData }[]): Promise<void>
  create(data: PostData): Promise<DocId>
  saveDraft(id: DocId, data: PostData): Promise<void>
  publish(id: DocId): Promise<void>
  /** Resolves to the returned title (or null when nothing matched) so results can be checked. */
  findBySlug(slug: string, perspective: Perspective): Promise<string | null>
  findById(id: DocId, perspective: Perspective): Promise<string | null>
  /**
   * Published documents whose `field` equals `value`, `limit: 20`, with the total count
   * (`totalDocs`), as a list page asks.
   */
  findEqual(field: LookupField, value: string): Promise<{ docs: number; totalDocs: number }>
  close(): Promise<void>
}
