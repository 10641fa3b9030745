import type { ValueKind } from '@galley/core/storage'
import { type SqlDialect, literal } from '@galley/sql'

const path = (keys: string[]) => literal(`{${keys.join(',')}}`)
const numbered = new Map<string, string>()

/** PostgreSQL's jsonb operators; text is compared byte-wise (COLLATE "C") to match SQLite. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  extract(base, keys, kind: ValueKind | 'raw') {
    switch (kind) {
      case 'number':
        return `((${base} #>> ${path(keys)})::numeric)`
      case 'boolean':
        return `((${base} #>> ${path(keys)})::boolean)`
      case 'json':
      case 'raw':
        // A stored JSON null is SQL NULL, as SQLite's json_extract and matchWhere see it
        // (`exists` on a json, group or array field holding null is false on every store).
        return `NULLIF(${base} #> ${path(keys)}, 'null'::jsonb)`
      default:
        return `(${base} #>> ${path(keys)})`
    }
  },
  arrayElements(base, keys, alias) {
    const arr = `(${base} #> ${path(keys)})`
    return `jsonb_array_elements(CASE WHEN jsonb_typeof(${arr}) = 'array' THEN ${arr} ELSE '[]'::jsonb END) AS ${alias}(v)`
  },
  elementValue: (alias) => `${alias}.v`,
  present: (expr) => `${expr} IS NOT NULL`,
  // ILIKE in a multibyte database is lower(text) LIKE lower(pattern) (like.c,
  // Generic_Text_IC_like): the same, with the text lowered once for every pattern, and made
  // to fold as foldText in @galley/core does for the pattern and the in-memory matcher: İ
  // to i + U+0307 as JavaScript does (the C library's lower() makes it a plain i), and every
  // sigma σ (JavaScript writes ς at the end of a word).
  fold: {
    applies: () => true,
    value: (expr) => `translate(lower(replace(${expr}, 'İ', 'i̇')), 'ς', 'σ')`,
    like: (folded) => `${folded} LIKE lower(?) ESCAPE '\\'`,
  },
  rowDeadline: undefined,
  sortText: (expr) => `${expr} COLLATE "C"`,
  param: (v) => v,
  bool: (b) => b,
  jsonParam: (data) => JSON.stringify(data),
  parseJson: (v) => (typeof v === 'string' ? JSON.parse(v) : (v as Record<string, unknown> | null)),
  // An advisory lock works for ids not yet used, which a row lock cannot.
  lockDocument: 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))',
  placeholders(s) {
    let out = numbered.get(s)
    if (out === undefined) {
      let n = 0
      // Our SQL never puts '?' inside a string literal, and uses no jsonb '?' operators.
      out = s.replace(/\?/g, () => `$${++n}`)
      if (numbered.size > 2000) numbered.clear()
      numbered.set(s, out)
    }
    return out
  },
  uniqueIndexOf(err) {
    const e = err as { code?: string; constraint?: string }
    return e?.code === '23505' ? (e.constraint ?? '') : undefined
  },
  types: { json: 'jsonb', bool: 'boolean', tableOptions: '' },
}
