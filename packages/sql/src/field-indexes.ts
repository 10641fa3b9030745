import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { CollectionStorageSpec, PathStep } from '@galley/core'
import type { SqlDialect } from './sql-dialect'

/** Maps unique index names back to the field they guard, so a violation names the field. */
export type UniqueIndexMap = Map<string, { collection: string; path: string }>

/**
 * Create the real database indexes that `index: true` and `unique: true` ask for, on the
 * same JSON expressions the where compiler emits, so lookups use them instead of scanning.
 * Unique fields get two partial indexes: one over published heads, one over the drafts view.
 */
export async function syncFieldIndexes(db: Kysely<any>, d: SqlDialect, specs: CollectionStorageSpec[]): Promise<UniqueIndexMap> {
  const uniques: UniqueIndexMap = new Map()
  const done = new Set<string>()
  for (const spec of specs) {
    for (const { info, unique } of spec.indexes) {
      if (info.steps.some((s: PathStep) => 'each' in s)) continue // array members: no plain expression index
      const keys = info.steps.map((s) => (s as { key: string }).key)
      const expr = sql.raw(d.extract('data', keys, info.kind))
      const name = `galley_ix_${hash(`${info.kind}:${keys.join('.')}`)}`
      // A unique field's two partial unique indexes already serve published and drafts lookups.
      if (!unique && !done.has(name)) {
        done.add(name)
        await sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON galley_heads (collection, ${expr})`.execute(db)
      }
      if (!unique) continue
      const base = `galley_uq_${hash(`${spec.storageKey}:${keys.join('.')}`)}`
      const coll = sql.lit(spec.storageKey)
      try {
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.id(`${base}_p`)} ON galley_heads (${expr}) WHERE collection = ${coll} AND variant = 'published'`.execute(db)
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.id(`${base}_d`)} ON galley_heads (${expr}) WHERE collection = ${coll} AND in_drafts = ${sql.lit(d.bool(true))}`.execute(db)
      } catch (err) {
        throw new Error(`Cannot make '${spec.storageKey}.${info.path}' unique: existing documents share a value. Make them distinct, then start again.`, { cause: err })
      }
      uniques.set(`${base}_p`, { collection: spec.storageKey, path: info.path })
      uniques.set(`${base}_d`, { collection: spec.storageKey, path: info.path })
    }
  }
  return uniques
}

function hash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 12)
}
