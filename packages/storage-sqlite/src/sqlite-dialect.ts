import { type RawBuilder, sql } from 'kysely'
import type { SqlDialect } from '@galley/sql'

const path = (keys: string[]) => sql.lit(`$${keys.map((k) => `.${k}`).join('')}`)

/** SQLite's JSON1 functions; field names are validated identifiers, so paths are literals the index can match. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  extract(base, keys) {
    return keys.length === 0 ? base : sql`json_extract(${base}, ${path(keys)})`
  },
  arrayElements(base, keys, alias) {
    return keys.length === 0 ? sql`json_each(${base}) AS ${sql.id(alias)}` : sql`json_each(${base}, ${path(keys)}) AS ${sql.id(alias)}`
  },
  elementValue(alias) {
    return sql.ref(`${alias}.value`)
  },
  ilike(expr: RawBuilder<unknown>, pattern: string) {
    return sql`lower(${expr}) LIKE ${pattern.toLowerCase()} ESCAPE '\\'`
  },
  sortText: (expr) => expr,
  param: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v),
  bool: (b) => (b ? 1 : 0),
  jsonParam: (data) => JSON.stringify(data),
  parseJson: (v) => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown> | null)),
  // One connection per process and SQLite's single writer already serialise writes.
  lockDocument: () => undefined,
  uniqueIndexOf(err) {
    const e = err as { code?: string; message?: string }
    if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined
    return /index '([^']+)'/.exec(e.message ?? '')?.[1] ?? ''
  },
  types: { json: 'text', bool: 'integer', tableOptions: ' WITHOUT ROWID' },
}
