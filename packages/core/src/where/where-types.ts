/** The where operators of the query language. */
export const WHERE_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'contains',
] as const
export type WhereOperator = (typeof WHERE_OPERATORS)[number]

/** A where tree: `{ field: { op: value } }`, with nested `and` / `or` arrays. */
export interface Where {
  and?: Where[]
  or?: Where[]
  [path: string]: Partial<Record<WhereOperator, unknown>> | Where[] | undefined
}

/** What kind of value a path holds, which decides how it is compared. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'json'

/** One step of a resolved path: a key in an object, or "any element" of an array. */
export type PathStep = { key: string } | { each: true }

/** A parsed, type-checked condition on one path. */
export interface WhereCondition {
  type: 'condition'
  /** `column` for top-level document columns (id, createdAt, updatedAt, _status). */
  column?: 'id' | 'createdAt' | 'updatedAt' | 'status'
  steps: PathStep[]
  path: string
  kind: ValueKind
  operator: WhereOperator
  value: unknown
  /** The field is unique (per published content and per drafts view). */
  unique?: boolean
  /** The field has a database index (`index: true` or `unique: true`). */
  indexed?: boolean
  /**
   * The values are ISO dates (a date field, `createdAt`, `updatedAt`): one fixed format,
   * which orders the same in every collation, so a range over them needs no byte order.
   */
  date?: boolean
}

export interface WhereGroup {
  type: 'and' | 'or'
  children: WhereNode[]
}

/** A validated where tree; both the SQL compilers and the in-memory matcher walk it. */
export type WhereNode = WhereCondition | WhereGroup
