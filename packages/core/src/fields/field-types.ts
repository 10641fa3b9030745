import type { Where } from '../where/where-types'

/** Every field type Galley stores. */
export type FieldType =
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

/** What a custom `validate` receives; return `true` or a message. */
export interface ValidateArgs {
  data: Record<string, unknown>
  draft: boolean
  path: string
}

interface BaseField {
  name: string
  label?: string
  required?: boolean
  unique?: boolean
  index?: boolean
  defaultValue?: unknown
  validate?: (value: unknown, args: ValidateArgs) => true | string | Promise<true | string>
}

export interface TextField extends BaseField {
  type: 'text' | 'textarea' | 'email' | 'slug'
  minLength?: number
  maxLength?: number
}
export interface RichTextField extends BaseField {
  type: 'richText'
}
export interface NumberField extends BaseField {
  type: 'number'
  min?: number
  max?: number
  integer?: boolean
}
export interface CheckboxField extends BaseField {
  type: 'checkbox'
}
export interface DateField extends BaseField {
  type: 'date'
}
export interface SelectField extends BaseField {
  type: 'select'
  options: Array<string | { label: string; value: string }>
  hasMany?: boolean
}
export interface RelationshipField extends BaseField {
  type: 'relationship'
  relationTo: string
  hasMany?: boolean
}
export interface GroupField extends BaseField {
  type: 'group'
  fields: Field[]
}
export interface ArrayField extends BaseField {
  type: 'array'
  fields: Field[]
  minRows?: number
  maxRows?: number
}
export interface JsonField extends BaseField {
  type: 'json'
}

export type Field =
  | TextField
  | RichTextField
  | NumberField
  | CheckboxField
  | DateField
  | SelectField
  | RelationshipField
  | GroupField
  | ArrayField
  | JsonField

/** Result of an access function: allow, deny, or allow only what matches the constraint. */
export type AccessResult = boolean | Where

/** The request an access rule runs for, shaped like Payload's `req` so its rules port as written. */
export interface AccessRequest<User = unknown> {
  /** The signed-in user, or null for an anonymous caller. */
  user: User | null
}

/**
 * What an access rule receives: the caller (`user`, and the same as `req.user`) and the
 * operation it decides.
 * @example read: ({ req }) => (req.user ? true : { _status: { equals: 'published' } })
 */
export interface AccessArgs<User = unknown> {
  user: User | null
  operation: AccessOperation
  req: AccessRequest<User>
}
export type AccessOperation = 'read' | 'readDrafts' | 'create' | 'update' | 'publish' | 'delete'
export type AccessFn<User = unknown> = (
  args: AccessArgs<User>,
) => AccessResult | Promise<AccessResult>
export type AccessConfig = Partial<Record<AccessOperation, AccessFn<any>>>
