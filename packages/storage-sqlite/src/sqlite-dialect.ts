import { type SqlDialect, literal } from '@galley/sql'

export { foldCase } from './fold-case'

const NON_ASCII = /[^\x00-\x7f]/

const path = (keys: string[]) => literal(`$${keys.map((k) => `.${k}`).join('')}`)

/** SQLite's JSON1 functions; paths are literals so an expression index can match them. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  extract: (base, keys) => (keys.length === 0 ? base : `json_extract(${base}, ${path(keys)})`),
  arrayElements: (base, keys, alias) =>
    keys.length === 0
      ? `json_each(${base}) AS ${alias}`
      : `json_each(${base}, ${path(keys)}) AS ${alias}`,
  elementValue: (alias) => `${alias}.value`,
  // SQLite answers `x IS NOT NULL` on an expression index by reading every entry; a range
  // it can seek: every value sorts at or above -Infinity (numbers first, then text and
  // blobs), NULL below it. `exists` on an indexed field then reads only its holders.
  present: (expr) => `(${expr} IS NOT NULL AND ${expr} >= -9e999)`,
  // SQLite's LIKE folds A-Z only: a pattern with other letters is matched against the text
  // as JavaScript lower-cases it (galley_fold, registered on every connection, a call into
  // JavaScript per row and value: made once for all the patterns that read a value), as
  // PostgreSQL's ILIKE and the in-memory matcher fold it. An ASCII pattern (lower-cased by
  // the caller) takes the built-in LIKE as it is: it already ignores the case of A-Z, and a
  // lower() around the text copied it for every condition (3x the time of an `or` of 100
  // likes on a 3 KB field). It misses the two letters JavaScript lower-cases to ASCII, the
  // Kelvin sign and İ: mapping them here nests two more levels in every condition the cost
  // model counts.
  fold: {
    applies: (pattern) => NON_ASCII.test(pattern),
    value: (expr) => `galley_fold(${expr})`,
    like: (folded) => `${folded} LIKE ? ESCAPE '\\'`,
  },
  // The clock is asked on one row in 8, drawn at random (a call into JavaScript for every
  // row cost cheap filters a fifth more, 0.65 µs a row). Not drawn from the row's data:
  // revision numbers or ids can fall so that no row of a collection is ever drawn.
  rowDeadline: '(random() & 7 OR galley_deadline())',
  sortText: (expr) => expr,
  param: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v),
  bool: (b) => (b ? 1 : 0),
  jsonParam: (data) => JSON.stringify(data),
  parseJson: (v) => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown> | null)),
  // One connection per process and SQLite's single writer already serialise writes.
  lockDocument: undefined,
  placeholders: (s) => s,
  uniqueIndexOf(err) {
    const e = err as { code?: string; message?: string }
    if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return undefined
    return /index '([^']+)'/.exec(e.message ?? '')?.[1] ?? ''
  },
  types: { json: 'text', bool: 'integer', tableOptions: ' WITHOUT ROWID' },
}
