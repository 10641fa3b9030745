import Database from 'better-sqlite3'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type CollectionConfig,
  type StorageAdapter,
  ValidationError,
  type Where,
  createGalley,
} from '@galley/core'
import { parseWhere } from '@galley/core/storage'
import { MIGRATIONS, type SqlDialect, type SqlStore, runMigrations } from '@galley/sql'
import { sqlite, sqliteDialect } from '@galley/storage-sqlite'
import { postgres, postgresDialect } from '@galley/storage-postgres'

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const dirs: string[] = []
const schemas: string[] = []

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  if (!PG_URL || schemas.length === 0) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
})

/** A database as an engine of the given schema version left it, and the store on it. */
interface Place {
  name: string
  dialect: SqlDialect
  raw(): Promise<Kysely<any>>
  store(): StorageAdapter
}

function sqlitePlace(): Place {
  const dir = mkdtempSync(join(tmpdir(), 'galley-migrate-'))
  dirs.push(dir)
  const file = join(dir, 'old.db')
  return {
    name: 'sqlite',
    dialect: sqliteDialect,
    raw: async () =>
      new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) }),
    store: () => sqlite({ file }),
  }
}

function postgresPlace(url: string): Place {
  const schema = `t_${randomBytes(6).toString('hex')}`
  schemas.push(schema)
  return {
    name: 'postgres',
    dialect: postgresDialect,
    async raw() {
      const pool = new pg.Pool({
        connectionString: url,
        max: 1,
        options: `-c search_path=${schema}`,
      })
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db)
      return db
    },
    store: () => postgres({ connectionString: url, schema, pool: { max: 2 } }),
  }
}

const posts: CollectionConfig = {
  slug: 'posts',
  versions: { drafts: true },
  fields: [
    { name: 'title', type: 'text', required: true },
    { name: 'slug', type: 'slug', unique: true },
    { name: 'meta', type: 'group', fields: [{ name: 'code', type: 'text', index: true }] },
  ],
}

/** A SQLite database as an engine of schema `version` left it, and a connection to it. */
async function sqliteAt(version: number): Promise<{ place: Place; db: Kysely<any> }> {
  const place = sqlitePlace()
  const db = await place.raw()
  await runMigrations(
    db,
    place.dialect,
    MIGRATIONS.filter((m) => m.version <= version),
  )
  return { place, db }
}

const PLACES: Array<() => Place> = [sqlitePlace, ...(PG_URL ? [() => postgresPlace(PG_URL)] : [])]

for (const makePlace of PLACES) {
  const place = makePlace()
  describe(`migration 4, content lives once [${place.name}]`, () => {
    it('keeps every head, its content and its history, and the unique and index rules', async () => {
      // Heads carried their content in schema 3; the migration must keep all of it.
      const db = await place.raw()
      await runMigrations(
        db,
        place.dialect,
        MIGRATIONS.filter((m) => m.version <= 3),
      )
      const b = (x: boolean) => sql.lit(place.dialect.bool(x))
      const t = '2026-01-01T00:00:00.000Z'
      const json = (x: unknown) => JSON.stringify(x)
      const a1 = { title: 'A live', slug: 'a', meta: { code: 'ca' } }
      const a2 = { title: 'A draft', slug: 'a-next', meta: { code: 'ca2' } }
      const b1 = { title: 'B live', slug: 'b', meta: { code: 'cb' } }
      const c1 = { title: 'C without history', slug: 'c' }
      const revision = (id: string, doc: string, variant: string, action: string, data: unknown) =>
        sql`INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at) VALUES (${id}, 'posts', ${doc}, ${variant}, ${action}, ${json(data)}, NULL, ${b(false)}, ${t})`.execute(
          db,
        )
      const head = (
        doc: string,
        variant: string,
        rev: string,
        status: string,
        inDrafts: boolean,
        data: unknown,
      ) =>
        sql`INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, data, created_at, updated_at) VALUES ('posts', ${doc}, ${variant}, ${rev}, ${status}, ${b(inDrafts)}, ${json(data)}, ${t}, ${t})`.execute(
          db,
        )
      const ids = {
        a: '01aaaaaaaaaaaaaaaaaa',
        b: '01bbbbbbbbbbbbbbbbbb',
        c: '01cccccccccccccccccc',
      }
      await revision('0000000001000000aaaa', ids.a, 'published', 'create', a1)
      await revision('0000000002000000aaaa', ids.a, 'draft', 'update', a2)
      await revision('0000000003000000bbbb', ids.b, 'published', 'create', b1)
      await head(ids.a, 'published', '0000000001000000aaaa', 'changed', false, a1)
      await head(ids.a, 'draft', '0000000002000000aaaa', 'changed', true, a2)
      await head(ids.b, 'published', '0000000003000000bbbb', 'published', true, b1)
      await head(ids.c, 'published', '0000000004000000cccc', 'published', true, c1)
      await db.destroy()

      const g = await createGalley({ storage: place.store(), collections: [posts] })
      try {
        expect(await (g.config.storage as SqlStore).migrate()).toEqual([])
        const title = async (where: Where, perspective: 'published' | 'drafts') =>
          (await g.find({ collection: 'posts', where, perspective })).docs.map((d) => d.title)
        // content, status and perspectives as before
        expect(await title({ slug: { equals: 'a' } }, 'published')).toEqual(['A live'])
        expect(await title({ slug: { equals: 'a-next' } }, 'drafts')).toEqual(['A draft'])
        expect(await title({ slug: { equals: 'a' } }, 'drafts')).toEqual([])
        expect(await title({ 'meta.code': { equals: 'cb' } }, 'drafts')).toEqual(['B live'])
        expect((await g.findById({ collection: 'posts', id: ids.a, draft: true }))?._status).toBe(
          'changed',
        )
        expect((await g.findById({ collection: 'posts', id: ids.c }))?.title).toBe(
          'C without history',
        )
        // history kept; a head without a revision got one holding its content
        expect((await g.listRevisions({ collection: 'posts', id: ids.a })).totalDocs).toBe(2)
        const c = await g.listRevisions({ collection: 'posts', id: ids.c })
        expect(c.docs.map((r) => r.data?.title)).toEqual(['C without history'])
        // indexed values were filled in: unique rules hold for migrated documents
        await expect(
          g.create({ collection: 'posts', data: { title: 'dup', slug: 'b' } }),
        ).rejects.toBeInstanceOf(ValidationError)
        await expect(
          g.create({ collection: 'posts', data: { title: 'dup', slug: 'a-next' }, draft: true }),
        ).rejects.toBeInstanceOf(ValidationError)
        // and the documents go on as usual
        await g.publish({ collection: 'posts', id: ids.a })
        expect(await title({ slug: { equals: 'a-next' } }, 'published')).toEqual(['A draft'])
        expect(await title({ 'meta.code': { equals: 'ca2' } }, 'published')).toEqual(['A draft'])
      } finally {
        await g.close()
      }
    })

    it('fills in indexed values again when a field becomes indexed', async () => {
      const storage = place.store()
      const plain: CollectionConfig = {
        ...posts,
        slug: 'notes',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'code', type: 'text' },
        ],
      }
      const g = await createGalley({ storage, collections: [plain] })
      for (let i = 0; i < 5; i++)
        await g.create({ collection: 'notes', data: { title: `n${i}`, code: `k${i}` } })
      await g.close()
      const indexed: CollectionConfig = {
        ...plain,
        fields: [
          { name: 'title', type: 'text' },
          { name: 'code', type: 'text', unique: true },
        ],
      }
      const g2 = await createGalley({ storage: place.store(), collections: [indexed] })
      try {
        expect(
          (await g2.find({ collection: 'notes', where: { code: { equals: 'k3' } } })).docs.map(
            (d) => d.title,
          ),
        ).toEqual(['n3'])
        await expect(
          g2.create({ collection: 'notes', data: { title: 'dup', code: 'k1' } }),
        ).rejects.toBeInstanceOf(ValidationError)
        const plan = await (g2.config.storage as SqlStore).explainResolved({
          collection: 'notes',
          perspective: { kind: 'published' },
          where: parseWhere({ code: { equals: 'k3' } }, g2.collection('notes').paths, 'notes'),
          sort: [],
          limit: 1,
          offset: 0,
          single: true,
        })
        expect(plan).toMatch(/galley_uq_/)
      } finally {
        await g2.close()
      }
    })
  })
}

describe('migration 8, heads keep their revision row number [sqlite]', () => {
  it('links every head to its own revision, and VACUUM keeps the links', async () => {
    const { place, db } = await sqliteAt(7)
    const t = '2026-01-01T00:00:00.000Z'
    let on = db
    const revision = (id: string, doc: string, variant: string, data: unknown) =>
      sql`INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at) VALUES (${id}, 'posts', ${doc}, ${variant}, 'update', ${JSON.stringify(data)}, NULL, 0, ${t})`.execute(
        on,
      )
    const head = (doc: string, variant: string, rev: string, status: string, inDrafts: number) =>
      sql`INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at) VALUES ('posts', ${doc}, ${variant}, ${rev}, ${status}, ${inDrafts}, '{}', ${t}, ${t})`.execute(
        on,
      )
    // Revisions of two documents interleaved, with gaps where history was pruned, so that
    // row numbers and keys do not line up.
    const docs = ['01aaaaaaaaaaaaaaaaaa', '01bbbbbbbbbbbbbbbbbb']
    for (let i = 0; i < 6; i++)
      for (const [k, doc] of docs.entries())
        await revision(`00000000${i}0000000${k}aaa`, doc, 'published', { title: `${k}:${i}` })
    await sql`DELETE FROM galley_revisions WHERE id LIKE '000000001%' OR id LIKE '000000003%'`.execute(
      db,
    )
    await head(docs[0]!, 'published', '0000000040000000' + '0aaa', 'changed', 0)
    await head(docs[0]!, 'draft', '0000000050000000' + '0aaa', 'changed', 1)
    await head(docs[1]!, 'published', '0000000020000000' + '1aaa', 'published', 1)
    await db.destroy()

    const read = async () => {
      const g = await createGalley({ storage: place.store(), collections: [posts] })
      try {
        return [
          (await g.findById({ collection: 'posts', id: docs[0]! }))?.title,
          (await g.findById({ collection: 'posts', id: docs[0]!, draft: true }))?.title,
          (await g.find({ collection: 'posts', perspective: 'drafts' })).docs.map((d) => d.title),
          (await g.find({ collection: 'posts', where: { title: { like: ':' } } })).docs.map(
            (d) => d.title,
          ),
        ]
      } finally {
        await g.close()
      }
    }
    const expected = ['0:4', '0:5', ['0:5', '1:2'], ['0:4', '1:2']]
    expect(await read()).toEqual(expected)
    // VACUUM renumbers the rows of a table without a declared INTEGER PRIMARY KEY.
    const again = await place.raw()
    await sql`DELETE FROM galley_revisions WHERE id LIKE '000000000%'`.execute(again)
    await sql`VACUUM`.execute(again)
    await again.destroy()
    expect(await read()).toEqual(expected)
    // A process of an earlier version writing to the migrated file puts a head before its
    // revision and knows no rev_seq: the head is linked when the revision arrives.
    const older = await place.raw()
    on = older
    await head(docs[1]!, 'draft', '0000000090000000' + '1aaa', 'changed', 1)
    await sql`UPDATE galley_heads SET in_drafts = 0, status = 'changed' WHERE id = ${docs[1]!} AND variant = 'published'`.execute(
      older,
    )
    await revision('0000000090000000' + '1aaa', docs[1]!, 'draft', { title: 'older process' })
    await sql`UPDATE galley_heads SET rev = ${'0000000091000000' + '0aaa'} WHERE id = ${docs[0]!} AND variant = 'draft'`.execute(
      older,
    )
    await revision('0000000091000000' + '0aaa', docs[0]!, 'draft', { title: 'older again' })
    await older.destroy()
    expect((await read()).slice(0, 3)).toEqual([
      '0:4',
      'older again',
      ['older again', 'older process'],
    ])
    // Writes after the migration link their heads too.
    const g = await createGalley({ storage: place.store(), collections: [posts] })
    try {
      await g.update({ collection: 'posts', id: docs[1]!, data: { title: 'B draft' }, draft: true })
      await g.publish({ collection: 'posts', id: docs[0]! })
      const titles = (await g.find({ collection: 'posts', perspective: 'drafts' })).docs.map(
        (d) => d.title,
      )
      expect(titles.sort()).toEqual(['B draft', 'older again'])
    } finally {
      await g.close()
    }
  })
})

describe('statistics after a migration [sqlite]', () => {
  it('measures a table that a migration rebuilt before the first read, not at the next hourly check', async () => {
    const { place, db } = await sqliteAt(7)
    for (let i = 0; i < 300; i++) {
      await sql`INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at) VALUES (${`r${i}`}, 'posts', ${`d${i}`}, 'published', 'create', '{"title":"x"}', NULL, 0, '2026-01-01T00:00:00.000Z')`.execute(
        db,
      )
      await sql`INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at) VALUES ('posts', ${`d${i}`}, 'published', ${`r${i}`}, 'published', 1, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(
        db,
      )
    }
    await sql`ANALYZE`.execute(db)
    await db.destroy()
    const measured = async () => {
      const raw = await place.raw()
      try {
        const { rows } = await sql<{
          tbl: string
        }>`SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl IN ('galley_heads', 'galley_revisions') ORDER BY tbl`.execute(
          raw,
        )
        return rows.map((r) => r.tbl)
      } finally {
        await raw.destroy()
      }
    }
    expect(await measured()).toEqual(['galley_heads', 'galley_revisions'])
    // Migration 8 rebuilds galley_revisions, which drops its statistics.
    const g = await createGalley({ storage: place.store(), collections: [posts] })
    try {
      expect(await measured()).toEqual(['galley_heads', 'galley_revisions'])
      expect((await g.find({ collection: 'posts', limit: 1 })).totalDocs).toBe(300)
    } finally {
      await g.close()
    }
  })
})
