import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely'
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
import { type UniqueIndexMap, syncFieldIndexes } from './field-indexes'
import { runMigrations } from './migrations'
import type { SqlDialect } from './sql-dialect'

export interface SqlStoreOptions {
  name: string
  db: Kysely<any>
  dialect: SqlDialect
  /** Runs `init` under a store-wide lock (PostgreSQL advisory lock) so instances do not race. */
  withInitLock?: <T>(fn: () => Promise<T>) => Promise<T>
  onClose?: () => Promise<void>
}

/** The storage contract on Kysely, shared by the SQLite and PostgreSQL stores. */
export interface SqlStore extends StorageAdapter {
  /** Apply pending migrations (what `galley migrate` runs). */
  migrate(): Promise<Array<{ version: number; name: string }>>
  /** The database's plan for a resolved read, to check that an index is used. */
  explainResolved(query: ResolvedQuery): Promise<string>
}

export function createSqlStore(opts: SqlStoreOptions): SqlStore {
  const { db, dialect: d } = opts
  const state = { uniques: new Map() as UniqueIndexMap }
  const reader = makeReader(db, d)
  return {
    name: opts.name,
    ...reader,
    async migrate() {
      const lock = opts.withInitLock ?? ((fn) => fn())
      return lock(() => runMigrations(db, d))
    },
    async init(specs: CollectionStorageSpec[]) {
      const lock = opts.withInitLock ?? ((fn) => fn())
      await lock(async () => {
        await runMigrations(db, d)
        state.uniques = await syncFieldIndexes(db, d, specs)
      })
    },
    async explainResolved(q) {
      const where = compileWhere(q.where, d)
      const source = resolvedSource(q.collection, q.perspective, d)
      const order = orderBy(q.sort, q.perspective, d)
      return db.transaction().execute(async (trx) => {
        // Tiny test tables make a sequential scan cheapest; ask whether the index is usable at all.
        // Plans as they are once statistics exist (PostgreSQL autovacuum, SQLite PRAGMA optimize).
        await sql`ANALYZE galley_heads`.execute(trx)
        if (d.name === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx)
        const { rows } = await sql<Record<string, unknown>>`${sql.raw(d.name === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN')} SELECT h.* FROM ${source} WHERE ${where} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(trx)
        return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('\n')
      })
    },
    async transaction(fn) {
      try {
        return await db.transaction().execute((trx) => fn(makeTransaction(trx, d, state)))
      } catch (err) {
        throw mapUnique(err, d, state.uniques)
      }
    },
    async close() {
      await db.destroy()
      await opts.onClose?.()
    },
  }
}

function mapUnique(err: unknown, d: SqlDialect, uniques: UniqueIndexMap): unknown {
  const index = d.uniqueIndexOf(err)
  const hit = index ? uniques.get(index) : undefined
  return hit ? new UniqueViolation(hit.collection, hit.path, { cause: err }) : err
}

function makeReader(db: Kysely<any> | Transaction<any>, d: SqlDialect): StorageReader {
  const rows = async <R>(q: RawBuilder<R>) => (await q.execute(db)).rows
  return {
    async getHeads(collection, id) {
      const r = await rows(sql<RawHead>`SELECT * FROM galley_heads WHERE collection = ${collection} AND id = ${id}`)
      return r.map((x) => toHead(x, d))
    },
    async findResolved(q: ResolvedQuery) {
      const where = compileWhere(q.where, d)
      const source = resolvedSource(q.collection, q.perspective, d)
      const order = orderBy(q.sort, q.perspective, d)
      // One row more than asked tells whether anything follows, so most pages need no count.
      const found = await rows(sql<RawHead>`SELECT h.* FROM ${source} WHERE ${where} ORDER BY ${order} LIMIT ${q.limit + 1} OFFSET ${q.offset}`)
      const more = found.length > q.limit
      const heads = (more ? found.slice(0, q.limit) : found).map((x) => toHead(x, d))
      let total = heads.length + q.offset
      if (!q.skipCount && (more || (heads.length === 0 && q.offset > 0))) {
        const [c] = await rows(sql<{ n: number | string }>`SELECT count(*) AS n FROM ${source} WHERE ${where}`)
        total = Number(c!.n)
      }
      return { rows: heads, total }
    },
    async countResolved(q) {
      const [c] = await rows(sql<{ n: number | string }>`SELECT count(*) AS n FROM ${resolvedSource(q.collection, q.perspective, d)} WHERE ${compileWhere(q.where, d)}`)
      return Number(c!.n)
    },
    async listRevisions(collection, id, { limit, offset }) {
      const r = await rows(sql<RawRevision>`SELECT * FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id} ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}`)
      const [c] = await rows(sql<{ n: number | string }>`SELECT count(*) AS n FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id}`)
      return { rows: r.map((x) => toRevision(x, d)), total: Number(c!.n) }
    },
    async getRevision(collection, id, revisionId) {
      const [r] = await rows(sql<RawRevision>`SELECT * FROM galley_revisions WHERE id = ${revisionId} AND collection = ${collection} AND doc_id = ${id}`)
      return r ? toRevision(r, d) : undefined
    },
  }
}

function makeTransaction(trx: Transaction<any>, d: SqlDialect, state: { uniques: UniqueIndexMap }): StorageTransaction {
  const run = (q: RawBuilder<unknown>) => q.execute(trx)
  return {
    ...makeReader(trx, d),
    async lockDocument(collection, id) {
      const lock = d.lockDocument(`${collection}/${id}`)
      if (lock) await run(lock)
      const { rows } = await sql<{ latest: string | null; n: number | string }>`SELECT max(id) AS latest, count(*) AS n FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id}`.execute(trx)
      const r = rows[0]
      return r && r.latest !== null && Number(r.n) > 0 ? { latestRev: r.latest, revCount: Number(r.n) } : undefined
    },
    async deleteDocument(collection, id) {
      await run(sql`DELETE FROM galley_heads WHERE collection = ${collection} AND id = ${id}`)
      await run(sql`DELETE FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id}`)
    },
    async putHead(h: HeadRow, prev?: HeadRow) {
      if (!prev) {
        await run(sql`INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, data, created_at, updated_at)
          VALUES (${h.collection}, ${h.id}, ${h.variant}, ${h.rev}, ${h.status}, ${d.bool(h.inDrafts)}, ${d.jsonParam(h.data)}, ${h.createdAt}, ${h.updatedAt})`)
        return
      }
      // Only changed columns: an index is rewritten only when a column it covers is set.
      const set = []
      if (prev.rev !== h.rev) set.push(sql`rev = ${h.rev}`, sql`data = ${d.jsonParam(h.data)}`, sql`updated_at = ${h.updatedAt}`)
      if (prev.status !== h.status) set.push(sql`status = ${h.status}`)
      if (prev.inDrafts !== h.inDrafts) set.push(sql`in_drafts = ${d.bool(h.inDrafts)}`)
      if (set.length === 0) return
      await run(sql`UPDATE galley_heads SET ${sql.join(set)} WHERE collection = ${h.collection} AND id = ${h.id} AND variant = ${h.variant}`)
    },
    async deleteHead(collection, id, variant: Variant) {
      await run(sql`DELETE FROM galley_heads WHERE collection = ${collection} AND id = ${id} AND variant = ${variant}`)
    },
    async insertRevision(r: RevisionRow) {
      await run(sql`INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at)
        VALUES (${r.id}, ${r.collection}, ${r.docId}, ${r.variant}, ${r.action}, ${r.data === null ? null : d.jsonParam(r.data)}, ${r.author}, ${d.bool(r.autosave)}, ${r.createdAt})`)
    },
    async deleteRevision(collection, id, revisionId) {
      await run(sql`DELETE FROM galley_revisions WHERE id = ${revisionId} AND collection = ${collection} AND doc_id = ${id}`)
    },
    async pruneRevisions(collection, id, count, keep) {
      if (count <= 0) return 0
      const protectedIds = keep.length ? sql`AND id NOT IN (${sql.join(keep)})` : sql``
      const { rows } = await sql<{ id: string }>`SELECT id FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id} ${protectedIds} ORDER BY id ASC LIMIT ${count}`.execute(trx)
      if (rows.length === 0) return 0
      await run(sql`DELETE FROM galley_revisions WHERE collection = ${collection} AND doc_id = ${id} AND id IN (${sql.join(rows.map((r) => r.id))})`)
      return rows.length
    },
  }
}

/** The rows a perspective resolves to, aliased `h`, one per document (every variant for raw). */
function resolvedSource(collection: string, p: ResolvedPerspective, d: SqlDialect): RawBuilder<unknown> {
  switch (p.kind) {
    case 'published':
      return sql`(SELECT * FROM galley_heads WHERE collection = ${collection} AND variant = 'published') h`
    case 'drafts':
      return sql`(SELECT * FROM galley_heads WHERE collection = ${collection} AND in_drafts = ${d.bool(true)}) h`
    case 'raw':
      return sql`(SELECT * FROM galley_heads WHERE collection = ${collection}) h`
    case 'stack': {
      const rank = sql.join(p.layers.map((l, i) => sql`WHEN ${l} THEN ${sql.lit(i)}`), sql` `)
      return sql`(SELECT * FROM (SELECT g.*, ROW_NUMBER() OVER (PARTITION BY g.id ORDER BY CASE g.variant ${rank} END) AS layer_rank
        FROM galley_heads g WHERE g.collection = ${collection} AND g.variant IN (${sql.join(p.layers)})) ranked WHERE layer_rank = 1) h`
    }
  }
}

function orderBy(sort: SortSpec[], p: ResolvedPerspective, d: SqlDialect): RawBuilder<unknown> {
  const parts = sort.map(({ info, direction }) => {
    const col = info.column === 'createdAt' ? 'created_at' : info.column === 'updatedAt' ? 'updated_at' : info.column
    const dir = sql.raw(direction === 'desc' ? 'DESC' : 'ASC')
    // Columns are never null and hold ASCII (ids, ISO times), so they sort as stored and can use an index.
    if (col) return sql`${sql.ref(`h.${col}`)} ${dir}`
    let expr = d.extract(sql.ref('h.data'), info.steps.map((s) => (s as { key: string }).key), info.kind)
    if (info.kind === 'text') expr = d.sortText(expr)
    // Missing values sort last in both directions, on both stores.
    return sql`(CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END), ${expr} ${dir}`
  })
  parts.push(sql`h.id ASC`)
  if (p.kind === 'raw') parts.push(sql`h.variant ASC`)
  return sql.join(parts)
}

interface RawHead {
  collection: string
  id: string
  variant: string
  rev: string
  status: string
  in_drafts: unknown
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
