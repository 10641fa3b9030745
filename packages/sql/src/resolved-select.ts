import type { ResolvedPerspective } from '@galley/core'
import type { ResolvedQuery, SortSpec } from '@galley/core/storage'
import { type WhereScope, compileWhere } from './compile-where'
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
} from './statements'

/** A statement and its parameters. */
export interface Statement {
  text: string
  params: unknown[]
  /** Whether its time grows with the collection (see `bounded`). */
  slow: boolean
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
 * carry their revision's `author`.
 */
export function resolvedSelect(q: ResolvedQuery, d: SqlDialect, keyed: KeyedFields): Statement {
  const params: unknown[] = []
  const scope: WhereScope = {
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
  const key = `select\u0001${d.name}\u0001${q.collection}\u0001${perspectiveKey(q.perspective)}\u0001${q.limit}\u0001${q.single === true}\u0001${scope.content}\u0001${where}\u0001${order}`
  const text = statementText(key, () =>
    selectText(q, d, bounded(where, scope, d), terms, scope.content),
  )
  return { text, params, slow: grows(scope) }
}

/**
 * A filter whose time grows with the collection goes after the dialect's deadline (see
 * `SqlDialect.rowDeadline`; on SQLite such a statement runs on the event loop's thread):
 * one that reads content row by row, tests text patterns (which no index answers), or has
 * more conditions than KEYED_CONDITIONS, a filter on keyed values that costs each row it
 * tests several microseconds (an `and` of 100 `not_equals` on an indexed field: ~17 µs a
 * row). A filter of a few conditions on indexed fields, a category page's, is not bounded:
 * its rows cost well under a microsecond each and the guard would be a step per entry.
 */
function bounded(where: string, scope: WhereScope, d: SqlDialect): string {
  return grows(scope) && d.rowDeadline ? `${d.rowDeadline} AND (${where})` : where
}

/** Whether a statement's time grows with the collection (see `bounded`). */
function grows(scope: WhereScope): boolean {
  return scope.content || scope.patterns === true || (scope.conditions ?? 0) > KEYED_CONDITIONS
}

/** Conditions of a filter on keyed values beyond which it is bounded (see `bounded`). */
const KEYED_CONDITIONS = 4

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
): string {
  const author = q.perspective.kind !== 'published'
  const page = `LIMIT ${limitLiteral(q.limit)} OFFSET ?`
  // What rows of a source with content return: every column, or on SQLite the packed row.
  const carried =
    d.name === 'sqlite' ? `${packedRow('h', 'h.data')}${author ? ', h.author' : ''}` : 'h.*'
  // A single-row lookup needs no sort (SQLite would still build a sorter for it).
  if (q.single) {
    // On SQLite, when the filter reads no content, the one row's revision is joined to it.
    if (d.name === 'sqlite' && !content) {
      const source = resolvedSource(q.perspective, d, q.collection, false)
      return `SELECT ${packedRow('h', 'r.data')}${author ? ', r.author' : ''} FROM ${source} ${revisionOf('h', d)} WHERE ${where} ${page}`
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
  return `SELECT ${packedRow('h', 'r.data')}${author ? ', r.author' : ''} FROM (${chosen}) p JOIN galley_heads h ON h.collection = ${literal(q.collection)} AND h.id = p.id AND h.variant = p.variant ${revisionOf('h', d)} ORDER BY ${again}`
}

/** The statement counting the rows of a resolved read (no order, no page). */
export function resolvedCount(
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
  d: SqlDialect,
  keyed: KeyedFields,
): Statement {
  const params: unknown[] = []
  const scope: WhereScope = {
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
      `SELECT count(*) AS n FROM ${resolvedSource(q.perspective, d, q.collection, scope.content)} WHERE ${bounded(where, scope, d)}`,
  )
  return { text, params, slow: grows(scope) }
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
