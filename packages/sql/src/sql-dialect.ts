import type { RawBuilder } from 'kysely'
import type { ValueKind } from '@galley/core'

/**
 * What differs between the stores: JSON extraction, array iteration, case-insensitive
 * matching, parameter and row conversion, locking and error recognition. Everything else
 * is shared SQL in this package.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres'
  /** Value of `keys` inside the JSON expression `base`, typed by `kind` (no arrays on the way). */
  extract(base: RawBuilder<unknown>, keys: string[], kind: ValueKind | 'raw'): RawBuilder<unknown>
  /** `FROM`-able rows of the JSON array at `keys` inside `base`, aliased `alias`, element as `alias.v`. */
  arrayElements(base: RawBuilder<unknown>, keys: string[], alias: string): RawBuilder<unknown>
  /** The element value of `arrayElements` as a JSON expression. */
  elementValue(alias: string): RawBuilder<unknown>
  /** Case-insensitive `LIKE` with `\` as escape. */
  ilike(expr: RawBuilder<unknown>, pattern: string): RawBuilder<unknown>
  /** Sort expression for text (a byte-wise collation on both stores). */
  sortText(expr: RawBuilder<unknown>): RawBuilder<unknown>
  /** A bind parameter for a where value of this kind. */
  param(value: unknown, kind: ValueKind): unknown
  bool(value: boolean): unknown
  /** Serialise document data for storage. */
  jsonParam(data: unknown): unknown
  /** Parse stored document data. */
  parseJson(value: unknown): Record<string, unknown> | null
  /** A statement taking a transaction-scoped write lock on a key; none where writers are already serialised. */
  lockDocument(key: string): RawBuilder<unknown> | undefined
  /** The unique index name, when `err` is a unique-constraint failure. */
  uniqueIndexOf(err: unknown): string | undefined
  /** DDL types. */
  /** DDL types, and what follows `CREATE TABLE (…)` (SQLite: WITHOUT ROWID, one B-tree per table). */
  readonly types: { json: string; bool: string; tableOptions: string }
}
