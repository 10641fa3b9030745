import { type RawBuilder, sql } from 'kysely'
import type { ValueKind } from '@galley/core'
import type { SqlDialect } from '@galley/sql'

const path = (keys: string[]) => sql.lit(`{${keys.join(',')}}`)

/** PostgreSQL's jsonb operators; text is compared byte-wise (COLLATE "C") to match SQLite. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  extract(base, keys, kind: ValueKind | 'raw') {
    switch (kind) {
      case 'number':
        return sql`((${base} #>> ${path(keys)})::numeric)`
      case 'boolean':
        return sql`((${base} #>> ${path(keys)})::boolean)`
      case 'json':
      case 'raw':
        return sql`(${base} #> ${path(keys)})`
      default:
        return sql`(${base} #>> ${path(keys)})`
    }
  },
  arrayElements(base, keys, alias) {
    const arr = sql`(${base} #> ${path(keys)})`
    return sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${arr}) = 'array' THEN ${arr} ELSE '[]'::jsonb END) AS ${sql.id(alias)}(v)`
  },
  elementValue(alias) {
    return sql.ref(`${alias}.v`)
  },
  ilike(expr: RawBuilder<unknown>, pattern: string) {
    return sql`${expr} ILIKE ${pattern} ESCAPE '\\'`
  },
  sortText: (expr) => sql`${expr} COLLATE "C"`,
  param: (v) => v,
  bool: (b) => b,
  jsonParam: (data) => JSON.stringify(data),
  parseJson: (v) => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown> | null)),
  // An advisory lock works for ids not yet used, which a row lock cannot.
  lockDocument: (key) => sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`,
  uniqueIndexOf(err) {
    const e = err as { code?: string; constraint?: string }
    return e?.code === '23505' ? (e.constraint ?? '') : undefined
  },
  types: { json: 'jsonb', bool: 'boolean', tableOptions: '' },
}
