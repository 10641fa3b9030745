import { type Kysely, sql } from 'kysely'
import type { SqlDialect } from '../sql-dialect'

/** Migration 5: releases, their items, scheduled jobs and the SQLite runner lease. */
export const RELEASES_MIGRATION: {
  version: number
  name: string
  up(db: Kysely<any>, d: SqlDialect): Promise<void>
} = {
  version: 5,
  name: 'releases and scheduled jobs',
  async up(db, d) {
    const t = d.types
    await sql`CREATE TABLE galley_releases (
      id text PRIMARY KEY,
      title text NOT NULL,
      description text NOT NULL,
      type text NOT NULL,
      publish_at text,
      state text NOT NULL,
      created_by text,
      created_at text NOT NULL,
      updated_at text NOT NULL,
      published_at text,
      revert_of text
    )`.execute(db)
    // What a release holds beyond its documents' release variants: unpublish requests, and
    // once published, what each document was before (revert puts it back).
    await sql`CREATE TABLE galley_release_items (
      release_id text NOT NULL,
      collection text NOT NULL,
      doc_id text NOT NULL,
      action text NOT NULL,
      before_data ${sql.raw(t.json)},
      done ${sql.raw(t.bool)} NOT NULL,
      PRIMARY KEY (release_id, collection, doc_id)
    )`.execute(db)
    await sql`CREATE TABLE galley_jobs (
      id text PRIMARY KEY,
      kind text NOT NULL,
      release_id text,
      collection text,
      doc_id text,
      run_at text NOT NULL,
      state text NOT NULL,
      created_by text,
      created_at text NOT NULL,
      ran_at text,
      ran_by text,
      error text
    )`.execute(db)
    await sql`CREATE INDEX galley_jobs_due ON galley_jobs (state, run_at)`.execute(db)
    // SQLite has no row locks: runners take this one row inside their write transaction.
    await sql`CREATE TABLE galley_job_lease (name text PRIMARY KEY, holder text, taken_at text)`.execute(
      db,
    )
    await sql`INSERT INTO galley_job_lease (name, holder, taken_at) VALUES ('jobs', NULL, NULL)`.execute(
      db,
    )
  },
}
