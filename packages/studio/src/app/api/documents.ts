/** A document as the REST API returns it. */
export interface Doc {
  id: string
  _status: 'draft' | 'published' | 'changed'
  _variant: string
  _rev: string
  createdAt: string
  updatedAt: string
  [field: string]: unknown
}

/** A list page of the REST API. */
export interface Page<T> {
  docs: T[]
  totalDocs: number
  limit: number
  page: number
  totalPages: number
  hasNextPage: boolean
  hasPrevPage: boolean
}

/** A page of documents. */
export type DocList = Page<Doc>

/** One revision of a document's history. */
export interface Revision {
  id: string
  variant: string
  action: string
  data: Record<string, unknown> | null
  author: string | null
  autosave: boolean
  createdAt: string
}

/** How a status reads everywhere in the Studio. */
export const STATUS_TEXT = { draft: 'Draft', published: 'Published', changed: 'Changed' } as const
