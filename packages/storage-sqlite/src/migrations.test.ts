import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, SqliteDialect } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { MIGRATIONS, runMigrations } from '@galley/sql'
import { sqliteDialect } from './sqlite-dialect'
import { sqlite } from './sqlite-store'

const collections = [{ slug: 'posts', versions: { drafts: true }, fields: [{ name: 'title', type: 'text' as const }, { name: 'slug', type: 'slug' as const, unique: true }] }]

describe('migration 4 (rowid tables)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galley-migrate-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('rebuilds a database made by migrations 1–3 without losing a head, a revision or a unique rule', async () => {
    const file = join(dir, 'data.db')
    // A store as the previous release left it: written through the engine, then migrations
    // 1–3 only (WITHOUT ROWID tables), rebuilt from that store's own rows.
    const before = await createGalley({ storage: sqlite({ file: join(dir, 'old.db') }), collections })
    const doc = await before.create({ collection: 'posts', data: { title: 'one', slug: 'one' } })
    await before.update({ collection: 'posts', id: doc.id, data: { title: 'one, edited' }, draft: true })
    await before.create({ collection: 'posts', data: { title: 'two', slug: 'two' } })
    const history = (await before.listRevisions({ collection: 'posts', id: doc.id })).docs
    await before.close()

    const raw = new Database(file)
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) })
    await runMigrations(db, sqliteDialect, MIGRATIONS.filter((m) => m.version <= 3))
    raw.exec(`ATTACH DATABASE '${join(dir, 'old.db')}' AS old`)
    raw.exec('INSERT INTO galley_heads SELECT * FROM old.galley_heads; INSERT INTO galley_revisions SELECT * FROM old.galley_revisions')
    raw.exec('DETACH DATABASE old')
    const tableSql = () => (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'galley_heads'").pluck().get() as string) ?? ''
    expect(tableSql()).toMatch(/WITHOUT ROWID/)
    await db.destroy()

    const after = await createGalley({ storage: sqlite({ file }), collections })
    try {
      expect((await after.findById({ collection: 'posts', id: doc.id }))?.title).toBe('one')
      expect((await after.findById({ collection: 'posts', id: doc.id, draft: true }))?.title).toBe('one, edited')
      expect((await after.listRevisions({ collection: 'posts', id: doc.id })).docs).toEqual(history)
      expect((await after.find({ collection: 'posts', where: { slug: { equals: 'two' } } })).docs[0]?.title).toBe('two')
      await expect(after.create({ collection: 'posts', data: { title: 'dup', slug: 'two' } })).rejects.toMatchObject({ name: 'ValidationError' })
      const check = new Database(file, { readonly: true })
      const tables = check.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'galley_%'").all() as Array<{ name: string; sql: string }>
      const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'galley_heads'").pluck().all()
      check.close()
      expect(tables.filter((t) => /WITHOUT ROWID/i.test(t.sql)).map((t) => t.name)).toEqual([])
      expect(tables.map((t) => t.name).sort()).toEqual(['galley_heads', 'galley_migrations', 'galley_revisions'])
      expect(indexes).toEqual(expect.arrayContaining(['galley_heads_listed', expect.stringMatching(/^galley_uq_\w+_p$/), expect.stringMatching(/^galley_uq_\w+_d$/)]))
    } finally {
      await after.close()
    }
  })
})
