import { createHash } from 'node:crypto'
import { type Kysely, type RawBuilder, sql } from 'kysely'
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
      // A unique field's two partial unique indexes already serve published and drafts lookups.
      if (!unique) {
        if (d.name === 'sqlite') await sqliteFieldIndexes(db, field, expr, done)
        else await postgresFieldIndex(db, field, expr, done)
        continue
      }
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

/**
 * SQLite: one partial index per perspective that reads by field, `published` (variant
 * 'published') and `drafts` (in_drafts), each in page order after the value: newest first,
 * then id, so a page is the index's next twenty entries with no sort. Partial, so a count of
 * a value's matches walks only that perspective's entries and checks nothing per entry (a
 * count of a value shared by 2% of the documents walked every variant's entries and read
 * each one's variant: twice the work). A published document without a draft sits in both.
 * `keys` comes last, which the value is computed from: only then does SQLite answer from the
 * index alone (without it, it seeks the WITHOUT ROWID table's row for every entry it visits).
 * Other perspectives (raw, release stacks) read the collection's heads.
 */
async function sqliteFieldIndexes(
  db: Kysely<any>,
  field: string,
  expr: RawBuilder<unknown>,
  done: Set<string>,
): Promise<void> {
  const views = [
    ['published', "variant = 'published'"],
    ['drafts', 'in_drafts = 1'],
  ] as const
  for (const [view, condition] of views) {
    const name = `galley_ix_${hash(`${field}:newest:keys:${view}`)}`
    if (done.has(name)) continue
    done.add(name)
    await sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON galley_heads (collection, ${expr}, created_at DESC, id, keys) WHERE ${sql.raw(condition)}`.execute(
      db,
    )
  }
  // The indexes of earlier versions: (collection, value), then (…, created_at, in_drafts), then
  // one for every variant in page order; each with `keys`.
  const earlier = [`${field}`, `${field}:listed`, `${field}:listed:keys`, `${field}:newest:keys`]
  for (const e of earlier)
    await sql`DROP INDEX IF EXISTS ${sql.id(`galley_ix_${hash(e)}`)}`.execute(db)
}

/**
 * PostgreSQL: one index for every perspective, in page order after the value, then the
 * drafts flag. PostgreSQL reads each match's row anyway (an index-only scan needs a vacuumed
 * table), so a narrower partial index would save it little.
 */
async function postgresFieldIndex(
  db: Kysely<any>,
  field: string,
  expr: RawBuilder<unknown>,
  done: Set<string>,
): Promise<void> {
  const name = `galley_ix_${hash(`${field}:newest`)}`
  if (done.has(name)) return
  done.add(name)
  await sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON galley_heads (collection, ${expr}, created_at DESC, id, in_drafts)`.execute(
    db,
  )
  // The indexes of earlier versions: (collection, value), then (…, created_at, in_drafts).
  for (const e of [field, `${field}:listed`])
    await sql`DROP INDEX IF EXISTS ${sql.id(`galley_ix_${hash(e)}`)}`.execute(db)
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
