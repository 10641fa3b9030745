import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { CollectionStorageSpec, PathStep } from '@galley/core/storage'
import { type KeyedFields, keyedFieldsOf, keysOf, projectKeys } from './keyed-fields'
import type { SqlDialect } from './sql-dialect'

/** Maps unique index names back to the field they guard, so a violation names the field. */
export type UniqueIndexMap = Map<string, { collection: string; path: string }>

/** What the store needs to know of each collection's indexed fields after start-up. */
export interface FieldIndexState {
  uniques: UniqueIndexMap
  keyed: Map<string, KeyedFields>
}

/**
 * Bring every head's `keys` (see keyed-fields.ts) in line with the fields each collection
 * indexes now: when that set changed since the last start (or the heads were just
 * migrated), recompute them from the content, in one transaction per collection.
 */
async function syncKeyedFields(
  db: Kysely<any>,
  d: SqlDialect,
  spec: CollectionStorageSpec,
  keyed: KeyedFields,
): Promise<void> {
  const wanted = JSON.stringify(keyed.paths)
  const { rows } = await sql<{
    paths: string
  }>`SELECT paths FROM galley_keyed_fields WHERE collection = ${spec.storageKey}`.execute(db)
  if (rows[0]?.paths === wanted) return
  await db.transaction().execute(async (trx) => {
    if (rows.length > 0 || keyed.paths.length > 0) {
      const heads = await sql<{
        id: string
        variant: string
        data: unknown
      }>`SELECT h.id, h.variant, r.data FROM galley_heads h
        JOIN galley_revisions r ON r.collection = h.collection AND r.doc_id = h.id AND r.id = h.rev WHERE h.collection = ${spec.storageKey}`.execute(
        trx,
      )
      for (const h of heads.rows) {
        const keys = d.jsonParam(projectKeys(d.parseJson(h.data) ?? {}, keyed))
        await sql`UPDATE galley_heads SET keys = ${keys} WHERE collection = ${spec.storageKey} AND id = ${h.id} AND variant = ${h.variant}`.execute(
          trx,
        )
      }
    }
    await sql`DELETE FROM galley_keyed_fields WHERE collection = ${spec.storageKey}`.execute(trx)
    await sql`INSERT INTO galley_keyed_fields (collection, paths) VALUES (${spec.storageKey}, ${wanted})`.execute(
      trx,
    )
  })
}

/**
 * Create the real database indexes that `index: true` and `unique: true` ask for, on the
 * same JSON expressions over `keys` the where compiler emits, so lookups use them instead
 * of scanning.
 * Unique fields get two partial indexes: one over published heads, one over the drafts view.
 */
export async function syncFieldIndexes(
  db: Kysely<any>,
  d: SqlDialect,
  specs: CollectionStorageSpec[],
): Promise<FieldIndexState> {
  const uniques: UniqueIndexMap = new Map()
  const keyedBy = new Map<string, KeyedFields>()
  const done = new Set<string>()
  // PostgreSQL's version, asked once per sync (only when a unique field needs it).
  let version: Promise<number> | undefined
  for (const spec of specs) {
    const keyed = keyedFieldsOf(spec)
    keyedBy.set(spec.storageKey, keyed)
    await syncKeyedFields(db, d, spec, keyed)
    for (const { info, unique } of spec.indexes) {
      if (info.steps.some((s: PathStep) => 'each' in s)) continue // array members: no plain expression index
      const keys = keysOf(info.steps)
      const expr = sql.raw(d.extract('keys', keys, info.kind))
      const field = `${info.kind}:${keys.join('.')}`
      // On SQLite the index also holds `keys`, which the value is computed from: only then
      // does SQLite read a lookup's matches from the index alone. Without it, it seeks the
      // WITHOUT ROWID table's row for every entry it visits (a count of a value shared by
      // many documents was mostly such seeks).
      const covering = d.name === 'sqlite'
      const name = `galley_ix_${hash(`${field}:newest${covering ? ':keys' : ''}`)}`
      // A unique field's two partial unique indexes already serve published and drafts lookups.
      if (!unique && !done.has(name)) {
        done.add(name)
        // After the value, what a page of its matches is sorted and filtered by: the default
        // order (newest first, then id) exactly as a page asks for it, so a page is the
        // index's next twenty entries with no sort, then the drafts flag (and on SQLite `keys`).
        const rest = sql.raw(
          covering ? 'created_at DESC, id, in_drafts, keys' : 'created_at DESC, id, in_drafts',
        )
        await sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON galley_heads (collection, ${expr}, ${rest})`.execute(
          db,
        )
        // The indexes of earlier versions: (collection, value), then (…, created_at, in_drafts),
        // with `keys` on SQLite.
        const earlier = [field, `${field}:listed`, ...(covering ? [`${field}:listed:keys`] : [])]
        for (const e of earlier)
          await sql`DROP INDEX IF EXISTS ${sql.id(`galley_ix_${hash(e)}`)}`.execute(db)
      }
      if (!unique) continue
      const base = `galley_uq_${hash(`${spec.storageKey}:${keys.join('.')}`)}`
      const coll = sql.lit(spec.storageKey)
      try {
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.id(`${base}_p`)} ON galley_heads (${expr}) WHERE collection = ${coll} AND variant = 'published'`.execute(
          db,
        )
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.id(`${base}_d`)} ON galley_heads (${expr}) WHERE collection = ${coll} AND in_drafts = ${sql.lit(d.bool(true))}`.execute(
          db,
        )
      } catch (err) {
        throw new Error(
          `Cannot make '${spec.storageKey}.${info.path}' unique: existing documents share a value. Make them distinct, then start again.`,
          { cause: err },
        )
      }
      // PostgreSQL keeps no statistics of a partial index's expression for the planner: a
      // range over a unique field was guessed at a third of the collection and read it all.
      // Expression statistics (PostgreSQL 14+) give ANALYZE something to measure.
      if (d.name === 'postgres' && (await (version ??= serverVersion(db))) >= 140_000)
        await sql`CREATE STATISTICS IF NOT EXISTS ${sql.id(`${base}_s`)} ON (${expr}) FROM galley_heads`.execute(
          db,
        )
      uniques.set(`${base}_p`, { collection: spec.storageKey, path: info.path })
      uniques.set(`${base}_d`, { collection: spec.storageKey, path: info.path })
    }
  }
  return { uniques, keyed: keyedBy }
}

function hash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 12)
}

async function serverVersion(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{
    v: string
  }>`SELECT current_setting('server_version_num') AS v`.execute(db)
  return Number(rows[0]?.v ?? 0)
}
