import type { ResolvedPerspective } from '@galley/core'
import type { ResolvedQuery, SortSpec } from '@galley/core/storage'
import { compileWhere } from './compile-where'
import { type KeyedFields, isKeyed, keysOf } from './keyed-fields'
import { type SqlDialect, literal } from './sql-dialect'
import { statementText } from './statement-texts'
import {
  HEADS_WITH_CONTENT,
  authorOf,
  contentOf,
  limitLiteral,
  packedRow,
  revisionOf,
  ROW_SEPARATOR,
} from './statements'

/** A statement and its parameters. */
export interface Statement {
  text: string
  params: unknown[]
}

/**
 * The statement for a resolved read: source, filter, order and page, rows with their
 * content as `data` (on SQLite the head's own columns and its content as one text, `row`:
 * see packedRow).
 * When neither the filter nor the order reads content, the page is chosen by key (id, variant) from the heads alone, which an index can answer without
 * reading the rows (the list index, or a field index followed by the creation time), and
 * only the page's rows are then read with their content: a database computes the select
 * list before it sorts, so a lookup matching many documents would otherwise read every
 * match and its content to return twenty. Rows of every perspective but `published` also
 * carry their revision's `author`. The parameters are the filter's, then the offset (which
 * groupedSelect relies on).
 */
export function resolvedSelect(
  q: ResolvedQuery,
  d: SqlDialect,
  keyed: KeyedFields,
  grouped = false,
): Statement {
  const params: unknown[] = []
  const scope = {
    keyed,
    content: false,
    indexGuard: indexGuardOf(q.perspective, d, q.collection),
  }
  const where = compileWhere(q.where, d, params, scope)
  params.push(q.offset)
  const terms = q.single ? [] : orderTerms(q.sort, q.perspective, d, scope)
  // Only the filter and the order are built per read; the text is made once per shape.
  let order = ''
  for (const t of terms) order += `${t.expr} ${t.dir},`
  const key = `select\u0001${d.name}\u0001${q.collection}\u0001${perspectiveKey(q.perspective)}\u0001${q.limit}\u0001${q.single === true}\u0001${scope.content}\u0001${grouped}\u0001${where}\u0001${order}`
  const text = statementText(key, () => selectText(q, d, where, terms, scope.content, grouped))
  return { text, params }
}

/** On SQLite, the condition of the partial indexes a perspective reads (see `WhereScope`). */
function indexGuardOf(
  p: ResolvedPerspective,
  d: SqlDialect,
  collection: string,
): string | undefined {
  if (d.name !== 'sqlite') return undefined
  if (p.kind === 'published')
    return `h.collection = ${literal(collection)} AND h.variant = 'published'`
  if (p.kind === 'drafts') return `h.collection = ${literal(collection)} AND h.in_drafts = 1`
  return undefined
}

function perspectiveKey(p: ResolvedPerspective): string {
  return p.kind === 'stack' ? `stack:${p.layers.join(',')}` : p.kind
}

function selectText(
  q: ResolvedQuery,
  d: SqlDialect,
  where: string,
  terms: OrderTerm[],
  content: boolean,
  grouped = false,
): string {
  const author = q.perspective.kind !== 'published'
  const page = `LIMIT ${limitLiteral(q.limit)} OFFSET ?`
  // On SQLite a row is packed (packedRow), its author a column of its own; in a grouped
  // page, the head (its author packed with it) and its content are two columns.
  const packed = (alias: string, data: string, authorOf: string) =>
    grouped
      ? `${packedRow(alias, "''", author ? authorOf : undefined)}, ${groupedContent(data)} AS content`
      : author
        ? `${packedRow(alias, data)}, ${authorOf}`
        : packedRow(alias, data)
  // What rows of a source with content return: every column, or on SQLite the packed row.
  const carried = d.name === 'sqlite' ? packed('h', 'h.data', 'h.author') : 'h.*'
  // A single-row lookup needs no sort (SQLite would still build a sorter for it).
  if (q.single) {
    // On SQLite, when the filter reads no content, the one row's revision is joined to it.
    if (d.name === 'sqlite' && !content) {
      const source = resolvedSource(q.perspective, d, q.collection, false)
      return `SELECT ${packed('h', 'r.data', 'r.author')} FROM ${source} ${revisionOf('h', d)} WHERE ${where} ${page}`
    }
    const source = resolvedSource(q.perspective, d, q.collection, true)
    return `SELECT ${carried} FROM ${source} WHERE ${where} ${page}`
  }
  const order = terms.map((t) => `${t.expr} ${t.dir}`).join(', ')
  if (content) {
    const source = resolvedSource(q.perspective, d, q.collection, true)
    return `SELECT ${carried} FROM ${source} WHERE ${where} ORDER BY ${order} ${page}`
  }
  const source = resolvedSource(q.perspective, d, q.collection, false)
  // PostgreSQL reads each match's row anyway (an index-only scan needs a vacuumed table) and
  // would hash-join the page with a scan of the heads: it gets the page's rows directly.
  if (d.name === 'postgres') {
    const content = author ? `${contentOf('h', d)}, ${authorOf('h', d)}` : contentOf('h', d)
    return `SELECT h.*, ${content} FROM (SELECT h.* FROM ${source} WHERE ${where} ORDER BY ${order} ${page}) h ORDER BY ${order}`
  }
  // The page's keys carry their sort values, and the outer query sorts by those: SQLite then
  // knows the page arrives in order and joins it without sorting it again.
  const sorted = terms.map((t, i) => `${t.expr} AS o${i}`).join(', ')
  const chosen = `SELECT h.id, h.variant, ${sorted} FROM ${source} WHERE ${where} ORDER BY ${order} ${page}`
  const again = terms.map((t, i) => `p.o${i} ${t.dir}`).join(', ')
  return `SELECT ${packed('h', 'r.data', 'r.author')} FROM (${chosen}) p JOIN galley_heads h ON h.collection = ${literal(q.collection)} AND h.id = p.id AND h.variant = p.variant ${revisionOf('h', d)} ORDER BY ${again}`
}

/**
 * On SQLite, a page of a resolved read as one row of one statement: `rows`, its heads
 * packed without their content (with their authors, see packedRowValue) joined by
 * ROW_SEPARATOR in the page's order, or NULL for none; `contents`, their contents in the
 * same order as one JSON array (one `JSON.parse` for the page: twenty took 2 µs more), or
 * NULL; and `n`, the number of rows the read matches where the page cannot tell it (full,
 * or empty past the end: see needsCount in sql-reader.ts), else NULL.
 *
 * Why one value: better-sqlite3 hands each row and value to JavaScript through V8's C++
 * API, and a statement run on its own takes and drops SQLite's read lock (or needs a read
 * transaction of its own, BEGIN and COMMIT, for a page and its count to read one
 * snapshot). The bench's category page (twenty of 200 matches, and their count) this way
 * takes 24 µs of SQLite and better-sqlite3 instead of 28 as twenty rows, a second statement
 * and a transaction around them. The count is a scalar subquery in a CASE: SQLite
 * runs it only when the CASE reaches it, at most once. The page's ORDER BY holds for the
 * aggregate: SQLite never flattens an ORDER BY subquery into an aggregate query, nor drops
 * its ORDER BY when the outer query aggregates with anything but count, min or max (select.c).
 */
export function groupedSelect(
  q: ResolvedQuery,
  d: SqlDialect,
  keyed: KeyedFields,
): Statement | undefined {
  if (d.name !== 'sqlite' || q.single)
    throw new Error('groupedSelect: only for pages (not single rows) on SQLite.')
  const page = resolvedSelect(q, d, keyed, true)
  // Grouped texts are kept by their page's text: it says everything the count's text
  // depends on, and is one string instance per shape (see statementText), so looking it up
  // hashes nothing new.
  const made = q.skipCount ? uncountedTexts : countedTexts
  let text = made.get(page.text)
  if (text === undefined) {
    const n = q.skipCount
      ? 'NULL'
      : `CASE WHEN count(*) >= ${limitLiteral(q.limit)} OR (count(*) = 0 AND ? > 0) THEN (${resolvedCount(q, d, keyed).text}) END`
    text = `SELECT ${n} AS n, group_concat(row, '${ROW_SEPARATOR}') AS rows, '[' || group_concat(content, ',') || ']' AS contents FROM (${page.text})`
    if (made.size >= 5000) made.clear()
    made.set(page.text, text)
  }
  if (q.skipCount) return { text, params: page.params }
  // The count binds the filter's values again: the page's parameters but its last, the
  // offset (the same filter, compiled the same way). A filter that the parser and the
  // access rules allow can take more than half of what SQLite binds.
  const filter = page.params.length - 1
  if (2 + 2 * filter > SQLITE_VARIABLES) return undefined
  // `?` count by position: the offset in the CASE, then the count's, then the page's.
  const params = new Array<unknown>(2 + 2 * filter)
  params[0] = q.offset
  for (let i = 0; i < filter; i++) params[1 + i] = page.params[i]
  for (let i = 0; i <= filter; i++) params[1 + filter + i] = page.params[i]
  return { text, params }
}

/** SQLite's bound on a statement's parameters (SQLITE_MAX_VARIABLE_NUMBER, 3.32 and later). */
const SQLITE_VARIABLES = 32_766

/**
 * A grouped page's content, one element of a JSON array: what no content reads as (NULL or
 * empty text) is `null`. Stored content is one JSON value each, so the array holds exactly
 * one element per row; any that holds another number cannot be read (unpackGroup).
 */
const groupedContent = (data: string) => `coalesce(nullif(${data}, ''), 'null')`

const countedTexts = new Map<string, string>()
const uncountedTexts = new Map<string, string>()

/** The statement counting the rows of a resolved read (no order, no page). */
export function resolvedCount(
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
  d: SqlDialect,
  keyed: KeyedFields,
): Statement {
  const params: unknown[] = []
  const scope = {
    keyed,
    content: false,
    indexGuard: indexGuardOf(q.perspective, d, q.collection),
  }
  const where = compileWhere(q.where, d, params, scope)
  const key = `count\u0001${d.name}\u0001${q.collection}\u0001${perspectiveKey(q.perspective)}\u0001${scope.content}\u0001${where}`
  // A count needs the content only when the filter reads a field that is not keyed.
  const text = statementText(
    key,
    () =>
      `SELECT count(*) AS n FROM ${resolvedSource(q.perspective, d, q.collection, scope.content)} WHERE ${where}`,
  )
  return { text, params }
}

/**
 * The rows a perspective resolves to, aliased `h`, one per document (every variant for
 * raw), with their content as `h.data` when `content` is set.
 */
function resolvedSource(
  p: ResolvedPerspective,
  d: SqlDialect,
  collection: string,
  content: boolean,
): string {
  // The collection as a literal (see headsOf in statements.ts). Content comes with its
  // author, except in published reads.
  const author = content && p.kind !== 'published'
  const heads = content
    ? HEADS_WITH_CONTENT(collection, d, author)
    : `SELECT h0.* FROM galley_heads h0 WHERE h0.collection = ${literal(collection)}`
  switch (p.kind) {
    case 'published':
      return `(${heads} AND h0.variant = 'published') h`
    case 'drafts':
      // A literal, so the partial index `WHERE in_drafts = <true>` matches the query.
      return `(${heads} AND h0.in_drafts = ${d.name === 'postgres' ? 'true' : '1'}) h`
    case 'raw':
      return `(${heads}) h`
    case 'stack': {
      // Layers are validated release ids and fixed names, so they are written as literals.
      const rank = p.layers.map((l, i) => `WHEN ${literal(l)} THEN ${i}`).join(' ')
      const ranked = `SELECT g.*, ROW_NUMBER() OVER (PARTITION BY g.id ORDER BY CASE g.variant ${rank} END) AS layer_rank
        FROM galley_heads g WHERE g.collection = ${literal(collection)} AND g.variant IN (${p.layers.map(literal).join(', ')})`
      const columns = content
        ? `, ${contentOf('h0', d)}${author ? `, ${authorOf('h0', d)}` : ''}`
        : ''
      return `(SELECT h0.*${columns} FROM (${ranked}) h0 WHERE h0.layer_rank = 1) h`
    }
  }
}

/** One term of an ORDER BY. */
interface OrderTerm {
  expr: string
  dir: 'ASC' | 'DESC'
}

/** The ORDER BY terms over `h`; sets `scope.content` when it sorts by a field that is not keyed. */
function orderTerms(
  sort: SortSpec[],
  p: ResolvedPerspective,
  d: SqlDialect,
  scope: { keyed: KeyedFields; content: boolean },
): OrderTerm[] {
  const terms: OrderTerm[] = []
  for (const { info, direction } of sort) {
    const col =
      info.column === 'createdAt'
        ? 'created_at'
        : info.column === 'updatedAt'
          ? 'updated_at'
          : info.column
    const dir = direction === 'desc' ? 'DESC' : 'ASC'
    // Columns are never null and hold ASCII (ids, ISO times), so they sort as stored and can use an index.
    if (col) {
      terms.push({ expr: `h.${col}`, dir })
      continue
    }
    const keyed = isKeyed(scope.keyed, info.steps)
    if (!keyed) scope.content = true
    let expr = d.extract(keyed ? 'h.keys' : 'h.data', keysOf(info.steps), info.kind)
    if (info.kind === 'text') expr = d.sortText(expr)
    // Missing values sort last in both directions, on both stores.
    terms.push({ expr: `(CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END)`, dir: 'ASC' })
    terms.push({ expr, dir })
  }
  terms.push({ expr: 'h.id', dir: 'ASC' })
  if (p.kind === 'raw') terms.push({ expr: 'h.variant', dir: 'ASC' })
  return terms
}
