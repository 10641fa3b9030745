import { type SqlDialect, literal } from './sql-dialect'

/**
 * Statements on galley_heads name the collection as a literal, never as `?`: the partial
 * unique indexes say `collection = '<slug>'`, and SQLite plans a statement that compares
 * `collection` with a parameter again on every run to see whether they apply. The same
 * goes for `variant`. Both are validated names (and quoted anyway); one statement per
 * collection and variant.
 */
export const headsOf = (collection: string) =>
  `galley_heads WHERE collection = ${literal(collection)}`

/**
 * The revision row of head `alias` as `r`. On SQLite a head keeps its revision's row number
 * (`rev_seq`, the `seq INTEGER PRIMARY KEY` of galley_revisions, which VACUUM keeps): one
 * lookup in the table itself instead of one in the key index and then one in the table,
 * a third of a page of twenty's work. PostgreSQL looks the row up by its key.
 */
const revisionKey = (alias: string, d: SqlDialect) =>
  d.name === 'sqlite'
    ? `r.seq = ${alias}.rev_seq`
    : `r.collection = ${alias}.collection AND r.doc_id = ${alias}.id AND r.id = ${alias}.rev`

/**
 * The content of head `alias` is its revision's. A scalar subquery rather than a join, so
 * the heads always drive the plan (lists walk the list index, lookups a field index)
 * whatever statistics the planner has.
 */
export const contentOf = (alias: string, d: SqlDialect) => `${contentValue(alias, d)} AS data`

/** `contentOf` without its name, for use inside an expression. */
export const contentValue = (alias: string, d: SqlDialect) =>
  `(SELECT r.data FROM galley_revisions r WHERE ${revisionKey(alias, d)})`

/**
 * Who wrote the revision of head `alias` (`author`): read for every perspective but
 * `published`, whose reads are public and never show it. A second lookup of the same row.
 */
export const authorOf = (alias: string, d: SqlDialect) =>
  `(SELECT r.author FROM galley_revisions r WHERE ${revisionKey(alias, d)}) AS author`

/**
 * Separates a head's own columns in `packedRow`: a control character, which no id, variant,
 * revision id, status or ISO time can hold (ids are `[A-Za-z0-9_-]`).
 */
export const HEAD_SEPARATOR = '\x1f'

const HEAD_COLUMNS = ['id', 'variant', 'rev', 'status', 'in_drafts', 'created_at', 'updated_at']

/**
 * On SQLite, a head as one value, `row`: its own columns but `collection` (the caller knows
 * it) and `keys` (reads never need it), then its content (`content`, text or NULL), which
 * `unpackRow` (stored-rows.ts) cuts apart. better-sqlite3 spends about as much on each
 * value it hands to JavaScript as SQLite spends finding a row; a read that returns only this
 * column comes back as plain strings (pluck mode, see rows.ts in the SQLite store), without
 * an array made through V8's C++ API for every row: a tenth of the CPU of an uncached page
 * of twenty. Content is JSON text, which writes no control character unescaped, and comes
 * last: only the first seven separators count. One concat_ws, not a chain of `||` that makes
 * and copies a new text at every step; it would leave out a NULL (and shift the cut), but
 * the head's columns are NOT NULL and the content is never NULL.
 */
export const packedRow = (alias: string, content: string): string =>
  `${packedRowValue(alias, content)} AS row`

/** `packedRow` without its name, for use inside an expression. */
export const packedRowValue = (alias: string, content: string): string =>
  `concat_ws('${HEAD_SEPARATOR}', ${HEAD_COLUMNS.map((c) => `${alias}.${c}`).join(', ')}, ifnull(${content}, ''))`

/**
 * The revision row of head `alias`, as `r`, for statements whose heads are already chosen
 * (a page, one document): a LEFT JOIN keeps the heads as the outer loop, and one lookup
 * gives both the content and its author, cheaper than a scalar subquery for each.
 */
export const revisionOf = (alias: string, d: SqlDialect) =>
  `LEFT JOIN galley_revisions r ON ${revisionKey(alias, d)}`

export const HEADS_WITH_CONTENT = (collection: string, d: SqlDialect, author = false) =>
  `SELECT h0.*, ${contentOf('h0', d)}${author ? `, ${authorOf('h0', d)}` : ''} FROM galley_heads h0 WHERE h0.collection = ${literal(collection)}`

/** A write's first read: the document's newest revision and revision count, and its heads. */
export const OPEN_DOCUMENT = (collection: string, d: SqlDialect) =>
  `SELECT dr.latest AS doc_latest, dr.n AS doc_revisions, h0.*, ${contentOf('h0', d)}
   FROM (SELECT max(id) AS latest, count(*) AS n FROM galley_revisions WHERE collection = ? AND doc_id = ?) dr
   LEFT JOIN galley_heads h0 ON h0.collection = ${literal(collection)} AND h0.id = ?`

export const COUNT_REVISIONS =
  'SELECT count(*) AS n FROM galley_revisions WHERE collection = ? AND doc_id = ?'

export const LIST_REVISIONS = (limit: number) =>
  `SELECT * FROM galley_revisions WHERE collection = ? AND doc_id = ? ORDER BY id DESC LIMIT ${limitLiteral(limit)} OFFSET ?`

export const GET_REVISION =
  'SELECT * FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id = ?'

/**
 * LIMIT is written as a literal: with `LIMIT ?` SQLite plans the statement again on every
 * run. Limits are few, so are the statements.
 */
export function limitLiteral(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new Error(`limit must be a non-negative integer, got ${limit}`)
  return String(limit)
}
