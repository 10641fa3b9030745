import { type Kysely, sql } from 'kysely'
import { CHANGE_FEED_MIGRATION, CHANGE_FEED_ROWID_MIGRATION } from './events/change-log'
import { RELEASES_MIGRATION } from './releases/release-migration'
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
      await sql`CREATE INDEX galley_heads_variant ON galley_heads (collection, variant, created_at)`.execute(
        db,
      )
      await sql`CREATE INDEX galley_heads_drafts ON galley_heads (collection, in_drafts, created_at)`.execute(
        db,
      )
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
      await sql`CREATE INDEX galley_heads_published ON galley_heads (collection, created_at) WHERE variant = 'published'`.execute(
        db,
      )
      await sql`CREATE INDEX galley_heads_in_drafts ON galley_heads (collection, created_at) WHERE in_drafts = ${sql.lit(d.bool(true))}`.execute(
        db,
      )
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
      await sql`CREATE INDEX galley_heads_listed ON galley_heads (collection, created_at, in_drafts, variant)`.execute(
        db,
      )
    },
  },
  {
    version: 4,
    name: 'content lives once, in its revision',
    async up(db, d) {
      // A head is its revision's content, so it stores only a pointer to it (`rev`) and the
      // values of indexed fields (`keys`, filled in by the field index sync on start-up).
      // SQLite: a WITHOUT ROWID table keeps whole rows in its interior pages too, so ~1 KB
      // rows gave a fan-out of four and a deep tree that split on most writes (13 pages
      // written per draft save); small heads and history as a rowid table fix both.
      const t = d.types
      // Never expected (a head always points at a revision), but no content may be lost.
      await sql`INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at)
        SELECT h.rev, h.collection, h.id, h.variant, 'restore', h.data, NULL, ${sql.lit(d.bool(false))}, h.updated_at FROM galley_heads h
        WHERE NOT EXISTS (SELECT 1 FROM galley_revisions r WHERE r.collection = h.collection AND r.doc_id = h.id AND r.id = h.rev)`.execute(
        db,
      )
      await sql`CREATE TABLE galley_heads_next (
        collection text NOT NULL,
        id text NOT NULL,
        variant text NOT NULL,
        rev text NOT NULL,
        status text NOT NULL,
        in_drafts ${sql.raw(t.bool)} NOT NULL,
        keys ${sql.raw(t.json)} NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (collection, id, variant)
      )${sql.raw(t.tableOptions)}`.execute(db)
      await sql`INSERT INTO galley_heads_next (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at)
        SELECT collection, id, variant, rev, status, in_drafts, '{}', created_at, updated_at FROM galley_heads`.execute(
        db,
      )
      await sql`DROP TABLE galley_heads`.execute(db)
      await sql`ALTER TABLE galley_heads_next RENAME TO galley_heads`.execute(db)
      if (d.name === 'postgres')
        await sql`ALTER TABLE galley_heads RENAME CONSTRAINT galley_heads_next_pkey TO galley_heads_pkey`.execute(
          db,
        )
      await sql`CREATE INDEX galley_heads_listed ON galley_heads (collection, created_at, in_drafts, variant)`.execute(
        db,
      )
      // Which fields `keys` holds per collection; a change makes start-up fill them in again.
      await sql`CREATE TABLE galley_keyed_fields (collection text PRIMARY KEY, paths text NOT NULL)`.execute(
        db,
      )
      if (d.name !== 'sqlite') return
      // History appends at the end of a rowid table; the key index holds small entries.
      await sql`CREATE TABLE galley_revisions_next (
        collection text NOT NULL,
        doc_id text NOT NULL,
        id text NOT NULL,
        variant text NOT NULL,
        action text NOT NULL,
        data ${sql.raw(t.json)},
        author text,
        autosave ${sql.raw(t.bool)} NOT NULL,
        created_at text NOT NULL
      )`.execute(db)
      await sql`INSERT INTO galley_revisions_next (collection, doc_id, id, variant, action, data, author, autosave, created_at)
        SELECT collection, doc_id, id, variant, action, data, author, autosave, created_at FROM galley_revisions ORDER BY collection, doc_id, id`.execute(
        db,
      )
      await sql`DROP TABLE galley_revisions`.execute(db)
      await sql`ALTER TABLE galley_revisions_next RENAME TO galley_revisions`.execute(db)
      await sql`CREATE UNIQUE INDEX galley_revisions_key ON galley_revisions (collection, doc_id, id)`.execute(
        db,
      )
    },
  },
  RELEASES_MIGRATION,
  CHANGE_FEED_MIGRATION,
  CHANGE_FEED_ROWID_MIGRATION,
  {
    version: 8,
    name: 'heads keep their revision row number',
    async up(db, d) {
      if (d.name !== 'sqlite') return
      // A page of twenty looked each head's revision up in the key index, then in the
      // table: a third of its work. Heads now keep the row number (`rev_seq`). The row
      // number must be a declared INTEGER PRIMARY KEY, the only kind VACUUM never renumbers.
      const t = d.types
      await sql`CREATE TABLE galley_revisions_next (
        seq INTEGER PRIMARY KEY,
        collection text NOT NULL,
        doc_id text NOT NULL,
        id text NOT NULL,
        variant text NOT NULL,
        action text NOT NULL,
        data ${sql.raw(t.json)},
        author text,
        autosave ${sql.raw(t.bool)} NOT NULL,
        created_at text NOT NULL
      )`.execute(db)
      await sql`INSERT INTO galley_revisions_next (seq, collection, doc_id, id, variant, action, data, author, autosave, created_at)
        SELECT rowid, collection, doc_id, id, variant, action, data, author, autosave, created_at FROM galley_revisions ORDER BY rowid`.execute(
        db,
      )
      await sql`DROP TABLE galley_revisions`.execute(db)
      await sql`ALTER TABLE galley_revisions_next RENAME TO galley_revisions`.execute(db)
      await sql`CREATE UNIQUE INDEX galley_revisions_key ON galley_revisions (collection, doc_id, id)`.execute(
        db,
      )
      await sql`ALTER TABLE galley_heads ADD COLUMN rev_seq integer`.execute(db)
      await sql`UPDATE galley_heads SET rev_seq = (SELECT r.seq FROM galley_revisions r
        WHERE r.collection = galley_heads.collection AND r.doc_id = galley_heads.id AND r.id = galley_heads.rev)`.execute(
        db,
      )
      // A process of an earlier version may still write to this file (a rolling restart):
      // it knows no rev_seq and puts a head before inserting its revision. This links such
      // heads when their revision arrives; this version's writes link their heads
      // themselves (the revision first), and for them the trigger finds nothing to change.
      await sql`CREATE TRIGGER galley_revisions_link AFTER INSERT ON galley_revisions BEGIN
        UPDATE galley_heads SET rev_seq = NEW.seq
        WHERE collection = NEW.collection AND id = NEW.doc_id AND rev = NEW.id AND rev_seq IS NOT NEW.seq;
      END`.execute(db)
    },
  },
]

/**
 * Apply pending migrations in order, each in its own transaction. Returns what ran.
 * Several processes may open one database at once (PostgreSQL serialises them with an
 * advisory lock, see withInitLock; SQLite does not): each migration is therefore checked
 * again inside its transaction, which on SQLite takes the write lock before it reads
 * (`BEGIN IMMEDIATE`, waiting out the busy timeout), so a migration another process
 * applied meanwhile is skipped instead of run twice.
 */
export async function runMigrations(
  db: Kysely<any>,
  d: SqlDialect,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<Array<{ version: number; name: string }>> {
  await sql`CREATE TABLE IF NOT EXISTS galley_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`.execute(
    db,
  )
  const applied = new Set(
    (await sql<{ version: number }>`SELECT version FROM galley_migrations`.execute(db)).rows.map(
      (r) => Number(r.version),
    ),
  )
  const ran: Array<{ version: number; name: string }> = []
  for (const m of migrations) {
    if (applied.has(m.version)) continue
    const done = await inWriteTransaction(db, d, async (trx) => {
      const { rows } =
        await sql`SELECT 1 AS applied FROM galley_migrations WHERE version = ${m.version}`.execute(
          trx,
        )
      if (rows.length > 0) return false
      await m.up(trx, d)
      await sql`INSERT INTO galley_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${new Date().toISOString()})`.execute(
        trx,
      )
      return true
    })
    if (done) ran.push({ version: m.version, name: m.name })
  }
  return ran
}

/**
 * A transaction that writes: on SQLite one that holds the write lock from its start (Kysely
 * begins SQLite transactions DEFERRED, and a deferred transaction that read before another
 * connection committed fails at its first write with SQLITE_BUSY, without waiting).
 */
async function inWriteTransaction<T>(
  db: Kysely<any>,
  d: SqlDialect,
  fn: (trx: Kysely<any>) => Promise<T>,
): Promise<T> {
  if (d.name !== 'sqlite') return db.transaction().execute(fn)
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn)
    try {
      const result = await fn(conn)
      await sql`COMMIT`.execute(conn)
      return result
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => {}) // none left if COMMIT ended it
      throw err
    }
  })
}
