import { type Kysely, sql } from 'kysely'
import type { SqlDialect } from './sql-dialect'

/** A versioned schema change; versions only ever grow, applied ones never change. */
export interface Migration {
  version: number
  name: string
  up(db: Kysely<any>, d: SqlDialect): Promise<void>
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'heads and revisions',
    async up(db, d) {
      // Heads hold the current content of each variant; history lives apart so reading a
      // draft costs the same however long its history is.
      await sql`CREATE TABLE galley_heads (
        collection text NOT NULL,
        id text NOT NULL,
        variant text NOT NULL,
        rev text NOT NULL,
        status text NOT NULL,
        in_drafts ${sql.raw(d.types.bool)} NOT NULL,
        data ${sql.raw(d.types.json)} NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (collection, id, variant)
      )${sql.raw(d.types.tableOptions)}`.execute(db)
      await sql`CREATE INDEX galley_heads_variant ON galley_heads (collection, variant, created_at)`.execute(db)
      await sql`CREATE INDEX galley_heads_drafts ON galley_heads (collection, in_drafts, created_at)`.execute(db)
      // Keyed by document first: history is always read per document, newest first.
      await sql`CREATE TABLE galley_revisions (
        id text NOT NULL,
        collection text NOT NULL,
        doc_id text NOT NULL,
        variant text NOT NULL,
        action text NOT NULL,
        data ${sql.raw(d.types.json)},
        author text,
        autosave ${sql.raw(d.types.bool)} NOT NULL,
        created_at text NOT NULL,
        PRIMARY KEY (collection, doc_id, id)
      )${sql.raw(d.types.tableOptions)}`.execute(db)
    },
  },
  {
    version: 2,
    name: 'partial list indexes per perspective',
    async up(db, d) {
      // Lists per perspective, and only the rows each perspective reads: fewer index writes,
      // and a lookup on a field index always beats them, with or without planner statistics.
      await sql`DROP INDEX IF EXISTS galley_heads_variant`.execute(db)
      await sql`DROP INDEX IF EXISTS galley_heads_drafts`.execute(db)
      await sql`CREATE INDEX galley_heads_published ON galley_heads (collection, created_at) WHERE variant = 'published'`.execute(db)
      await sql`CREATE INDEX galley_heads_in_drafts ON galley_heads (collection, created_at) WHERE in_drafts = ${sql.lit(d.bool(true))}`.execute(db)
    },
  },
  {
    version: 3,
    name: 'one list index for every perspective',
    async up(db) {
      // A published document without a draft sat in both partial indexes, so creating one
      // wrote two index pages; one index with in_drafts as a trailing column serves both
      // perspectives (and counts) without touching the rows, for one page per create.
      await sql`DROP INDEX IF EXISTS galley_heads_published`.execute(db)
      await sql`DROP INDEX IF EXISTS galley_heads_in_drafts`.execute(db)
      await sql`CREATE INDEX galley_heads_listed ON galley_heads (collection, created_at, in_drafts, variant)`.execute(db)
    },
  },
]

/** Apply pending migrations in order, each in its own transaction. Returns what ran. */
export async function runMigrations(db: Kysely<any>, d: SqlDialect): Promise<Array<{ version: number; name: string }>> {
  await sql`CREATE TABLE IF NOT EXISTS galley_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`.execute(db)
  const applied = new Set((await sql<{ version: number }>`SELECT version FROM galley_migrations`.execute(db)).rows.map((r) => Number(r.version)))
  const ran: Array<{ version: number; name: string }> = []
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue
    await db.transaction().execute(async (trx) => {
      await m.up(trx, d)
      await sql`INSERT INTO galley_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${new Date().toISOString()})`.execute(trx)
    })
    ran.push({ version: m.version, name: m.name })
  }
  return ran
}
