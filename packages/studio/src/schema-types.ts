/**
 * What `GET /api/schema` answers: the collections and globals the Studio shows, their fields
 * and the caller's permissions. Plain JSON: no functions (hooks, access rules, validators)
 * and nothing the config does not say about the content's shape.
 */
export interface StudioSchema {
  collections: CollectionSchema[]
  globals: GlobalSchema[]
  user: { id: string; email?: string; name?: string | null; role: string; kind: string }
  /** Whether the server knows the frontend's draft-mode route (server option `preview.url`). */
  previewUrl: boolean
}

/** A collection as the Studio sees it. */
export interface CollectionSchema {
  slug: string
  labels: { singular: string; plural: string }
  /** Field shown as the document's title (config `useAsTitle`, else the first text field). */
  useAsTitle: string | null
  /** Whether the config has a `preview` function (a frontend path for each document). */
  preview: boolean
  versions: VersionsSchema
  fields: FieldSchema[]
  permissions: Permissions
}

/** A global as the Studio sees it. */
export interface GlobalSchema {
  slug: string
  label: string
  /** Whether the config has a `preview` function (the global's frontend path). */
  preview: boolean
  versions: VersionsSchema
  fields: FieldSchema[]
  permissions: Permissions
}

export interface VersionsSchema {
  drafts: boolean
  autosave: boolean
  /** Milliseconds an editor waits after a keystroke before it autosaves. */
  autosaveInterval: number
  maxPerDoc: number
}

/** What the caller may do; `true` also when a rule allows only some documents. */
export interface Permissions {
  read: boolean
  readDrafts: boolean
  create: boolean
  update: boolean
  publish: boolean
  delete: boolean
}

/** One field; nested `fields` for groups and arrays. Limits appear only when the config sets them. */
export interface FieldSchema {
  name: string
  type:
    | 'text'
    | 'textarea'
    | 'richText'
    | 'number'
    | 'checkbox'
    | 'date'
    | 'select'
    | 'slug'
    | 'email'
    | 'relationship'
    | 'group'
    | 'array'
    | 'json'
  /** The config's label, else the name in sentence case ("publishedAt" → "Published at"). */
  label: string
  required: boolean
  unique?: boolean
  defaultValue?: unknown
  /** Whether the config adds its own `validate` check (run by the server, not shown here). */
  customValidation?: boolean
  minLength?: number
  maxLength?: number
  min?: number
  max?: number
  integer?: boolean
  options?: Array<{ label: string; value: string }>
  hasMany?: boolean
  relationTo?: string
  minRows?: number
  maxRows?: number
  fields?: FieldSchema[]
}
