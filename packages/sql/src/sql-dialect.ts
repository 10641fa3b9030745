import type { ValueKind } from '@galley/core/storage'

/**
 * What differs between the stores: JSON extraction, array iteration, case-insensitive
 * matching, parameters, rows, locking and error recognition. Everything else is shared
 * SQL in this package. Fragments are SQL text with `?` placeholders; `placeholders`
 * turns a finished statement into the driver's form.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres'
  /** Value of `keys` inside the JSON expression `base`, typed by `kind` (no arrays on the way). */
  extract(base: string, keys: string[], kind: ValueKind | 'raw'): string
  /** `FROM`-able rows of the JSON array at `keys` inside `base`, aliased `alias`. */
  arrayElements(base: string, keys: string[], alias: string): string
  /** The element value of `arrayElements` as a JSON expression. */
  elementValue(alias: string): string
  /** `expr` holds a value (not SQL NULL), written so that an index on `expr` can answer it. */
  present(expr: string): string
  /**
   * Case-insensitive matching: for the patterns (lower-cased by the caller, `\` escaping) it
   * `applies` to, a case-folded copy of a value, made once where several patterns read it,
   * and the `LIKE` of such a copy against one `?` pattern. Other patterns are matched by the
   * dialect's own `LIKE`, which must ignore their case. PostgreSQL: every pattern (its LIKE
   * keeps case; `lower(text) LIKE lower(pattern)` is what its ILIKE does). SQLite: non-ASCII
   * patterns (its LIKE folds A-Z only).
   */
  readonly fold: {
    applies(pattern: string): boolean
    value(expr: string): string
    like(folded: string): string
  }
  /**
   * A condition put first in the filter of statements whose time grows with the collection
   * (see `bounded` in resolved-select.ts): true, or it stops the statement once the store's
   * time limit for it has passed. It reads no column, so an index that covers the statement
   * still does. SQLite: `galley_deadline()` (see `queryTimeoutMs` in @galley/storage-sqlite).
   * None where the database bounds statements itself (PostgreSQL's `statement_timeout`).
   */
  readonly rowDeadline: string | undefined
  /** Sort expression for text (a byte-wise collation on both stores). */
  sortText(expr: string): string
  /** A bind parameter for a where value of this kind. */
  param(value: unknown, kind: ValueKind): unknown
  bool(value: boolean): unknown
  /** Serialise document data for storage. */
  jsonParam(data: unknown): unknown
  /** Parse stored document data. */
  parseJson(value: unknown): Record<string, unknown> | null
  /**
   * Parse the content of revision `rev` as a head row returns it, where the store keeps
   * parsed content per revision (SQLite: `ContentMemo`); else `parseJson` does.
   */
  parseContent?(rev: string, value: unknown): unknown
  /** SQL (one `?` for the key) taking a transaction-scoped write lock; none where writers are already serialised. */
  readonly lockDocument: string | undefined
  /** Rewrite `?` placeholders into the driver's form (PostgreSQL: `$1`, `$2`, …). */
  placeholders(sql: string): string
  /** The unique index name, when `err` is a unique-constraint failure. */
  uniqueIndexOf(err: unknown): string | undefined
  /** DDL types, and what follows `CREATE TABLE (…)` (SQLite: WITHOUT ROWID, one B-tree per table). */
  readonly types: { json: string; bool: string; tableOptions: string }
}

/** Quote a JSON key for a SQL string literal; keys are validated identifiers, this is belt and braces. */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}
