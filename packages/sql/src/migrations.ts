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
      await createHeads(db, d, 'galley_heads', d.types.tableOptions)
      await sql`CREATE INDEX galley_heads_variant ON galley_heads (collection, variant, created_at)`.execute(db)
      await sql`CREATE INDEX galley_heads_drafts ON galley_heads (collection, in_drafts, created_at)`.execute(db)
      // Keyed by document first: history is always read per document, newest first.
      await createRevisions(db, d, 'galley_revisions', d.types.tableOptions)
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
  {
    version: 4,
    name: 'SQLite: heads and revisions as rowid tables',
    async up(db, d) {
      // WITHOUT ROWID keeps each ~1 KB row inside its primary-key B-tree, packed in key
      // order: a draft or a revision for an existing document lands in a full leaf and
      // splits it (several pages per commit). Rowid tables append rows and keep only small
      // keys in the primary-key index. Measured: 10% fewer pages per draft save, and fewer
      // per create (secondary indexes hold a rowid instead of the whole key).
      if (d.name !== 'sqlite') return
      const withoutRowid = async (table: string) => {
        const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db)
        return /WITHOUT\s+ROWID/i.test(rows[0]?.sql ?? '')
      }
      // Field indexes go with the old table; syncFieldIndexes recreates them on start.
      if (await withoutRowid('galley_heads')) {
        await createHeads(db, d, 'galley_heads_v4', '')
        await sql`INSERT INTO galley_heads_v4 (${sql.raw(HEAD_COLUMNS)}) SELECT ${sql.raw(HEAD_COLUMNS)} FROM galley_heads`.execute(db)
        await sql`DROP TABLE galley_heads`.execute(db)
        await sql`ALTER TABLE galley_heads_v4 RENAME TO galley_heads`.execute(db)
        await sql`CREATE INDEX galley_heads_listed ON galley_heads (collection, created_at, in_drafts, variant)`.execute(db)
      }
      if (await withoutRowid('galley_revisions')) {
        await createRevisions(db, d, 'galley_revisions_v4', '')
        await sql`INSERT INTO galley_revisions_v4 (${sql.raw(REVISION_COLUMNS)}) SELECT ${sql.raw(REVISION_COLUMNS)} FROM galley_revisions`.execute(db)
        await sql`DROP TABLE galley_revisions`.execute(db)
        await sql`ALTER TABLE galley_revisions_v4 RENAME TO galley_revisions`.execute(db)
      }
    },
  },
]

const HEAD_COLUMNS = 'collection, id, variant, rev, status, in_drafts, data, created_at, updated_at'
const REVISION_COLUMNS = 'id, collection, doc_id, variant, action, data, author, autosave, created_at'

/** Heads hold the current content of each variant of a document. */
async function createHeads(db: Kysely<any>, d: SqlDialect, name: string, options: string): Promise<void> {
  await sql`CREATE TABLE ${sql.id(name)} (
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
  )${sql.raw(options)}`.execute(db)
}

/** Append-only history, keyed by document first: always read per document, newest first. */
async function createRevisions(db: Kysely<any>, d: SqlDialect, name: string, options: string): Promise<void> {
  await sql`CREATE TABLE ${sql.id(name)} (
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
  )${sql.raw(options)}`.execute(db)
}

/** Apply pending migrations in order, each in its own transaction. Returns what ran. */
export async function runMigrations(db: Kysely<any>, d: SqlDialect, migrations: readonly Migration[] = MIGRATIONS): Promise<Array<{ version: number; name: string }>> {
  await sql`CREATE TABLE IF NOT EXISTS galley_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`.execute(db)
  const applied = new Set((await sql<{ version: number }>`SELECT version FROM galley_migrations`.execute(db)).rows.map((r) => Number(r.version)))
  const ran: Array<{ version: number; name: string }> = []
  for (const m of migrations) {
    if (applied.has(m.version)) continue
    await db.transaction().execute(async (trx) => {
      await m.up(trx, d)
      await sql`INSERT INTO galley_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${new Date().toISOString()})`.execute(trx)
    })
    ran.push({ version: m.version, name: m.name })
  }
  return ran
}
