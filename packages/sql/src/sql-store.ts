import { CompiledQuery, type Kysely, type Transaction, sql } from 'kysely'
import {
  type CollectionStorageSpec,
  type HeadRow,
  type ResolvedPerspective,
  type ResolvedQuery,
  type RevisionRow,
  type SortSpec,
  type StorageAdapter,
  type StorageReader,
  type StorageTransaction,
  UniqueViolation,
  type Variant,
} from '@galley/core'
import { compileWhere } from './compile-where'
import { type FieldIndexState, syncFieldIndexes } from './field-indexes'
import { type KeyedFields, NO_KEYED_FIELDS, isKeyed, keysOf, projectKeys } from './keyed-fields'
import { runMigrations } from './migrations'
import { type SqlDialect, literal } from './sql-dialect'

export interface SqlStoreOptions {
  name: string
  db: Kysely<any>
  dialect: SqlDialect
  /** Runs `init` under a store-wide lock (PostgreSQL advisory lock) so instances do not race. */
  withInitLock?: <T>(fn: () => Promise<T>) => Promise<T>
  onClose?: () => Promise<void>
  /**
   * A synchronous way to run a read outside any transaction (SQLite: the connection's own
   * statements behind a result cache). Returns undefined when it cannot answer now, and
   * the statement goes through Kysely as usual.
   */
  readDirect?: (text: string, params: readonly unknown[]) => unknown[] | undefined
  /** Told after every transaction and schema change, so whatever `readDirect` keeps can go. */
  onWrite?: () => void
  /** See `StorageAdapter.dataVersion`. */
  dataVersion?: () => number | undefined
  /**
   * Run `fn` in one transaction whose statements go through `query` (default: a Kysely
   * transaction). SQLite runs them synchronously on its connection instead: a Kysely
   * transaction costs ~8 µs and each statement ~2 µs more, a tenth of a small write.
   */
  runTransaction?: <T>(fn: (query: Query) => Promise<T>) => Promise<T>
}

/** The storage contract on Kysely, shared by the SQLite and PostgreSQL stores. */
export interface SqlStore extends StorageAdapter {
  /** Apply pending migrations (what `galley migrate` runs). */
  migrate(): Promise<Array<{ version: number; name: string }>>
  /** The database's plan for a resolved read, to check that an index is used. */
  explainResolved(query: ResolvedQuery): Promise<string>
}

type Executor = Kysely<any> | Transaction<any>

/**
 * Kysely runs every statement (connections, transactions, drivers); the statements of the
 * hot paths are built as text, so one query shape is one cached prepared statement and no
 * query tree is built per call.
 */
export function createSqlStore(opts: SqlStoreOptions): SqlStore {
  const { db, dialect: d } = opts
  const state: FieldIndexState = { uniques: new Map(), keyed: new Map() }
  const keyedOf = (collection: string) => state.keyed.get(collection) ?? NO_KEYED_FIELDS
  const direct = opts.readDirect
  const query: Query = direct
    ? async (text, params) =>
        (direct(text, params) as never[] | undefined) ?? all(db, d, text, params)
    : (text, params) => all(db, d, text, params)
  const reader = makeReader(query, d, keyedOf)
  const written = opts.onWrite ?? (() => {})
  const runTransaction =
    opts.runTransaction ??
    (<T>(fn: (q: Query) => Promise<T>) =>
      db.transaction().execute((trx) => fn((text, params) => all(trx, d, text, params))))
  const lock = opts.withInitLock ?? (<T>(fn: () => Promise<T>) => fn())
  return {
    name: opts.name,
    ...reader,
    dataVersion: opts.dataVersion,
    migrate: () => lock(() => runMigrations(db, d)).finally(written),
    async init(specs: CollectionStorageSpec[]) {
      await lock(async () => {
        await runMigrations(db, d)
        Object.assign(state, await syncFieldIndexes(db, d, specs))
      }).finally(written)
    },
    async explainResolved(q) {
      const { text, params } = resolvedSelect(q, d, keyedOf(q.collection), 'SELECT h.*')
      return db.transaction().execute(async (trx) => {
        // Plans as they are once statistics exist (PostgreSQL autovacuum, SQLite PRAGMA optimize),
        // and on PostgreSQL whether an index is usable at all on a tiny test table.
        await sql`ANALYZE galley_heads`.execute(trx)
        await sql`ANALYZE galley_revisions`.execute(trx)
        if (d.name === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx)
        const rows = await all<Record<string, unknown>>(
          trx,
          d,
          `${d.name === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${text}`,
          params,
        )
        return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('\n')
      })
    },
    async transaction(fn) {
      try {
        return await runTransaction((q) => fn(makeTransaction(q, d, keyedOf)))
      } catch (err) {
        throw mapUnique(err, d, state.uniques)
      } finally {
        written()
      }
    },
    async close() {
      await db.destroy()
      await opts.onClose?.()
    },
  }
}

async function all<R>(
  db: Executor,
  d: SqlDialect,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  const result = await db.executeQuery<R>(
    CompiledQuery.raw(d.placeholders(text), params as unknown[]),
  )
  return result.rows
}

function mapUnique(err: unknown, d: SqlDialect, uniques: FieldIndexState['uniques']): unknown {
  const index = d.uniqueIndexOf(err)
  const hit = index ? uniques.get(index) : undefined
  return hit ? new UniqueViolation(hit.collection, hit.path, { cause: err }) : err
}

/**
 * Statements on galley_heads name the collection as a literal, never as `?`: the partial
 * unique indexes say `collection = '<slug>'`, and SQLite plans a statement that compares
 * `collection` with a parameter again on every run to see whether they apply (measured:
 * a primary-key read 14 µs with `?`, 7 µs with the literal). The same goes for `variant`.
 * Both are validated names (and quoted anyway); one statement per collection and variant.
 */
const headsOf = (collection: string) => `galley_heads WHERE collection = ${literal(collection)}`
/**
 * A head's content is its revision's (`h0` a head): one lookup by the revisions' key per
 * head. A scalar subquery rather than a join, so the heads always drive the plan (lists
 * walk the list index, lookups a field index) whatever statistics the planner has.
 */
const CONTENT =
  '(SELECT r.data FROM galley_revisions r WHERE r.collection = h0.collection AND r.doc_id = h0.id AND r.id = h0.rev) AS data'
const HEADS_WITH_CONTENT = (collection: string) =>
  `SELECT h0.*, ${CONTENT} FROM galley_heads h0 WHERE h0.collection = ${literal(collection)}`
/** A write's first read: the document's newest revision and revision count, and its heads. */
const OPEN_DOCUMENT = (collection: string) =>
  `SELECT dr.latest AS doc_latest, dr.n AS doc_revisions, h0.*, ${CONTENT}
   FROM (SELECT max(id) AS latest, count(*) AS n FROM galley_revisions WHERE collection = ? AND doc_id = ?) dr
   LEFT JOIN galley_heads h0 ON h0.collection = ${literal(collection)} AND h0.id = ?`
const COUNT_REVISIONS =
  'SELECT count(*) AS n FROM galley_revisions WHERE collection = ? AND doc_id = ?'
const LIST_REVISIONS = (limit: number) =>
  `SELECT * FROM galley_revisions WHERE collection = ? AND doc_id = ? ORDER BY id DESC LIMIT ${limitLiteral(limit)} OFFSET ?`

/**
 * LIMIT is written as a literal: with `LIMIT ?` SQLite plans the statement again on every
 * run (measured: 25 µs vs 8 µs for a slug lookup). Limits are few, so are the statements.
 */
function limitLiteral(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new Error(`limit must be a non-negative integer, got ${limit}`)
  return String(limit)
}
const GET_REVISION = 'SELECT * FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id = ?'

/** Runs one statement (`?` placeholders) and returns its rows. */
export type Query = <R>(text: string, params: unknown[]) => Promise<R[]>

type KeyedOf = (collection: string) => KeyedFields

/** A head's keyed values as stored. */
function keysText(h: HeadRow, d: SqlDialect, keyedOf: KeyedOf): string {
  return d.jsonParam(projectKeys(h.data, keyedOf(h.collection))) as string
}

function makeReader(all: Query, d: SqlDialect, keyedOf: KeyedOf): StorageReader {
  return {
    async getHeads(collection, id) {
      return (await all<RawHead>(`${HEADS_WITH_CONTENT(collection)} AND h0.id = ?`, [id])).map(
        (x) => toHead(x, d),
      )
    },
    async findResolved(q: ResolvedQuery) {
      // One row more than asked tells whether anything follows, so most pages need no count.
      const { text, params } = resolvedSelect(
        { ...q, limit: q.limit + 1 },
        d,
        keyedOf(q.collection),
        'SELECT h.*',
      )
      const found = await all<RawHead>(text, params)
      const more = found.length > q.limit
      const heads = (more ? found.slice(0, q.limit) : found).map((x) => toHead(x, d))
      let total = heads.length + q.offset
      if (!q.skipCount && (more || (heads.length === 0 && q.offset > 0)))
        total = await countRows(all, d, keyedOf(q.collection), q)
      return { rows: heads, total }
    },
    countResolved(q) {
      return countRows(all, d, keyedOf(q.collection), q)
    },
    async listRevisions(collection, id, { limit, offset }) {
      const rows = await all<RawRevision>(LIST_REVISIONS(limit), [collection, id, offset])
      const [c] = await all<{ n: number | string }>(COUNT_REVISIONS, [collection, id])
      return { rows: rows.map((x) => toRevision(x, d)), total: Number(c!.n) }
    },
    async getRevision(collection, id, revisionId) {
      const [r] = await all<RawRevision>(GET_REVISION, [collection, id, revisionId])
      return r ? toRevision(r, d) : undefined
    },
  }
}

async function countRows(
  all: Query,
  d: SqlDialect,
  keyed: KeyedFields,
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
): Promise<number> {
  const params: unknown[] = []
  const scope = { keyed, content: false }
  const where = compileWhere(q.where, d, params, scope)
  // A count needs the content only when the filter reads a field that is not keyed.
  const source = resolvedSource(q.perspective, d, q.collection, scope.content)
  const [c] = await all<{ n: number | string }>(
    `SELECT count(*) AS n FROM ${source} WHERE ${where}`,
    params,
  )
  return Number(c!.n)
}

function makeTransaction(all: Query, d: SqlDialect, keyedOf: KeyedOf): StorageTransaction {
  // Object.assign rather than a spread: one transaction object per write, on the hot path.
  return Object.assign(makeReader(all, d, keyedOf), {
    async openDocument(collection, id) {
      if (d.lockDocument) await all(d.lockDocument, [`${collection}/${id}`])
      // History state and heads in one statement: always one row for the history, joined
      // with each head (none: the head columns are NULL).
      const rows = await all<
        RawHead & { doc_latest: string | null; doc_revisions: number | string }
      >(OPEN_DOCUMENT(collection), [collection, id, id])
      const r = rows[0]
      if (!r || r.doc_latest === null || Number(r.doc_revisions) === 0)
        return { doc: undefined, heads: [] }
      const heads: HeadRow[] = []
      for (const x of rows) if (x.variant !== null) heads.push(toHead(x, d))
      return { doc: { latestRev: r.doc_latest, revCount: Number(r.doc_revisions) }, heads }
    },
    async deleteDocument(collection, id) {
      await all(`DELETE FROM ${headsOf(collection)} AND id = ?`, [id])
      await all('DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ?', [
        collection,
        id,
      ])
    },
    async putHead(h: HeadRow, prev?: HeadRow) {
      // The content itself is stored once, with the revision `rev` (see insertRevision).
      if (!prev) {
        await all(
          'INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            h.collection,
            h.id,
            h.variant,
            h.rev,
            h.status,
            d.bool(h.inDrafts),
            keysText(h, d, keyedOf),
            h.createdAt,
            h.updatedAt,
          ],
        )
        return
      }
      // Only changed columns: an index is rewritten only when a column it covers is set.
      const set: string[] = []
      const params: unknown[] = []
      if (prev.rev !== h.rev) {
        set.push('rev = ?', 'updated_at = ?')
        params.push(h.rev, h.updatedAt)
        const keys = keysText(h, d, keyedOf)
        if (keys !== keysText(prev, d, keyedOf)) {
          set.push('keys = ?')
          params.push(keys)
        }
      }
      if (prev.status !== h.status) {
        set.push('status = ?')
        params.push(h.status)
      }
      if (prev.inDrafts !== h.inDrafts) {
        set.push('in_drafts = ?')
        params.push(d.bool(h.inDrafts))
      }
      if (set.length === 0) return
      await all(
        `UPDATE galley_heads SET ${set.join(', ')} WHERE collection = ${literal(h.collection)} AND variant = ${literal(h.variant)} AND id = ?`,
        [...params, h.id],
      )
    },
    async deleteHead(collection, id, variant: Variant) {
      await all(`DELETE FROM ${headsOf(collection)} AND variant = ${literal(variant)} AND id = ?`, [
        id,
      ])
    },
    async insertRevision(r: RevisionRow) {
      await all(
        'INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          r.id,
          r.collection,
          r.docId,
          r.variant,
          r.action,
          r.data === null ? null : d.jsonParam(r.data),
          r.author,
          d.bool(r.autosave),
          r.createdAt,
        ],
      )
    },
    async deleteRevision(collection, id, revisionId) {
      await all('DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id = ?', [
        collection,
        id,
        revisionId,
      ])
    },
    async pruneRevisions(collection, id, count, keep) {
      if (count <= 0) return 0
      const notKept = keep.length ? ` AND id NOT IN (${keep.map(() => '?').join(', ')})` : ''
      const rows = await all<{ id: string }>(
        `SELECT id FROM galley_revisions WHERE collection = ? AND doc_id = ?${notKept} ORDER BY id ASC LIMIT ${limitLiteral(count)}`,
        [collection, id, ...keep],
      )
      if (rows.length === 0) return 0
      await all(
        `DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id IN (${rows.map(() => '?').join(', ')})`,
        [collection, id, ...rows.map((r) => r.id)],
      )
      return rows.length
    },
  } satisfies Omit<StorageTransaction, keyof StorageReader>)
}

/** The statement for a resolved read: source, filter, order and page. */
function resolvedSelect(
  q: ResolvedQuery,
  d: SqlDialect,
  keyed: KeyedFields,
  select: string,
): { text: string; params: unknown[] } {
  const params: unknown[] = []
  const scope = { keyed, content: true }
  const where = compileWhere(q.where, d, params, scope)
  const source = resolvedSource(q.perspective, d, q.collection, true)
  params.push(q.offset)
  // A single-row lookup needs no sort (SQLite would still build a sorter for it).
  const order = q.single ? '' : ` ORDER BY ${orderBy(q.sort, q.perspective, d, keyed)}`
  return {
    text: `${select} FROM ${source} WHERE ${where}${order} LIMIT ${limitLiteral(q.limit)} OFFSET ?`,
    params,
  }
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
  // The collection as a literal (see headsOf): 26 µs vs 7 µs per slug lookup.
  const heads = content
    ? HEADS_WITH_CONTENT(collection)
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
      return `(SELECT h0.*${content ? `, ${CONTENT}` : ''} FROM (${ranked}) h0 WHERE h0.layer_rank = 1) h`
    }
  }
}

function orderBy(
  sort: SortSpec[],
  p: ResolvedPerspective,
  d: SqlDialect,
  keyed: KeyedFields,
): string {
  const parts = sort.map(({ info, direction }) => {
    const col =
      info.column === 'createdAt'
        ? 'created_at'
        : info.column === 'updatedAt'
          ? 'updated_at'
          : info.column
    const dir = direction === 'desc' ? 'DESC' : 'ASC'
    // Columns are never null and hold ASCII (ids, ISO times), so they sort as stored and can use an index.
    if (col) return `h.${col} ${dir}`
    let expr = d.extract(
      isKeyed(keyed, info.steps) ? 'h.keys' : 'h.data',
      keysOf(info.steps),
      info.kind,
    )
    if (info.kind === 'text') expr = d.sortText(expr)
    // Missing values sort last in both directions, on both stores.
    return `(CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END), ${expr} ${dir}`
  })
  parts.push('h.id ASC')
  if (p.kind === 'raw') parts.push('h.variant ASC')
  return parts.join(', ')
}

interface RawHead {
  collection: string
  id: string
  variant: string
  rev: string
  status: string
  in_drafts: unknown
  /** The content, from the head's revision. */
  data: unknown
  created_at: string
  updated_at: string
}
interface RawRevision {
  id: string
  collection: string
  doc_id: string
  variant: string
  action: string
  data: unknown
  author: string | null
  autosave: unknown
  created_at: string
}

function toHead(r: RawHead, d: SqlDialect): HeadRow {
  return {
    collection: r.collection,
    id: r.id,
    variant: r.variant as Variant,
    rev: r.rev,
    status: r.status as HeadRow['status'],
    inDrafts: r.in_drafts === true || r.in_drafts === 1,
    data: d.parseJson(r.data) ?? {},
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function toRevision(r: RawRevision, d: SqlDialect): RevisionRow {
  return {
    id: r.id,
    collection: r.collection,
    docId: r.doc_id,
    variant: r.variant as Variant,
    action: r.action as RevisionRow['action'],
    data: r.data === null ? null : d.parseJson(r.data),
    author: r.author,
    autosave: r.autosave === true || r.autosave === 1,
    createdAt: r.created_at,
  }
}
