import type { AccessConfig, Field } from '../fields/field-types'
import type { HookConfig } from '../hooks/hook-types'
import type { StorageAdapter } from '../storage/storage-adapter'

/** Drafts switch of a collection or global; `autosave` implies drafts. */
export interface VersionsConfig {
  drafts?: boolean | { autosave?: boolean | { interval?: number } }
  /** Revisions kept per document; the oldest are pruned, never one behind a live variant. Default 100. */
  maxPerDoc?: number
}

export interface CollectionConfig {
  slug: string
  labels?: { singular?: string; plural?: string }
  fields: Field[]
  versions?: VersionsConfig
  access?: AccessConfig
  hooks?: HookConfig
  /** Field used as the document's title in lists; defaults to the first text field. */
  useAsTitle?: string
  /** The frontend path that shows a document, for the Studio's "Open preview" (see {@link PreviewPath}). */
  preview?: PreviewPath
}

/**
 * The frontend path (`/posts/hello`, with query or hash if needed) that shows a document
 * or global; null or undefined when this one has none yet. It receives the draft as the
 * editor sees it. The server opens it through the frontend's draft-mode route
 * (`preview.url` of the server options).
 * @example preview: ({ doc }) => (doc.slug ? `/posts/${doc.slug}` : null)
 */
export type PreviewPath = (args: {
  doc: Record<string, unknown>
}) => string | null | undefined | Promise<string | null | undefined>

export interface GlobalConfig {
  slug: string
  label?: string
  fields: Field[]
  versions?: VersionsConfig
  access?: AccessConfig
  hooks?: HookConfig
  /** The frontend path that shows the global, for the Studio's "Open preview". */
  preview?: PreviewPath
}

export interface Config {
  storage: StorageAdapter
  collections?: CollectionConfig[]
  globals?: GlobalConfig[]
  /** Default `depth` for relationship population on reads. Default 0. */
  defaultDepth?: number
  /** Highest `depth` a caller may ask for. Default 5. */
  maxDepth?: number
  /** Most related documents one read populates, over all levels; past it ids stay ids. Default 1000. */
  maxPopulatedDocs?: number
}

/** A collection after validation, with derived facts the engine needs on every call. */
export interface SanitizedCollection extends CollectionConfig {
  /** Storage key: the slug for collections, `global:<slug>` for globals. */
  storageKey: string
  kind: 'collection' | 'global'
  drafts: boolean
  autosave: boolean
  autosaveInterval: number
  maxPerDoc: number
  access: AccessConfig
  hooks: HookConfig
  /** Every field path by dotted name (arrays included), for where and sort checks. */
  paths: Map<string, import('../where/field-paths').FieldPathInfo>
}

export interface SanitizedConfig {
  storage: StorageAdapter
  collections: Map<string, SanitizedCollection>
  globals: Map<string, SanitizedCollection>
  defaultDepth: number
  maxDepth: number
  maxPopulatedDocs: number
}
