import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CollectionConfig, type Galley, createGalley } from '@galley/core'
import { type ResolvedQuery, parseSort, parseWhere } from '@galley/core/storage'
import type { SqlStore } from '@galley/sql'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'

// Issue 11: on a database nobody ran ANALYZE on, finds by a non-unique indexed field (and by
// a value 2% of documents share) must still use the field's index, for the page and for
// the count behind totalDocs. The stores gather statistics themselves after large changes
// (SQLite: PRAGMA optimize; PostgreSQL: ANALYZE of stale tables), so PostgreSQL runs on
// tables autovacuum is kept off.

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const DOCS = 2000
const CATEGORIES = 50 // each shared by 2% of documents

const items: CollectionConfig = {
  slug: 'items',
  versions: { drafts: true },
  fields: [
    { name: 'title', type: 'text' },
    { name: 'code', type: 'text', index: true }, // two documents per value
    { name: 'category', type: 'text', index: true },
    { name: 'body', type: 'textarea' },
    { name: 'serial', type: 'number', unique: true },
  ],
}

interface FreshStore {
  name: 'sqlite' | 'postgres'
  open(): Promise<{
    galley: Galley
    /** PostgreSQL: when the store analysed the tables itself; whether autovacuum did. */
    analysed?: () => Promise<{ byStore: boolean; byAutovacuum: boolean }>
    drop?: () => Promise<void>
  }>
}

const STORES: FreshStore[] = [
  {
    name: 'sqlite',
    async open() {
      return {
        galley: await createGalley({ storage: sqlite({ file: ':memory:' }), collections: [items] }),
      }
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'postgres' as const,
          async open() {
            const schema = `t_${randomBytes(6).toString('hex')}`
            const admin = new pg.Client({ connectionString: PG_URL })
            await admin.connect()
            const galley = await createGalley({
              storage: postgres({ connectionString: PG_URL, schema, pool: { max: 4 } }),
              collections: [items],
            })
            for (const table of ['galley_heads', 'galley_revisions'])
              await admin.query(
                `ALTER TABLE ${schema}.${table} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)`,
              )
            return {
              galley,
              async analysed() {
                const { rows } = await admin.query(
                  `SELECT bool_and(last_analyze IS NOT NULL) AS by_store,
                     bool_or(last_autoanalyze IS NOT NULL) AS by_autovacuum
                   FROM pg_stat_user_tables WHERE schemaname = $1
                     AND relname IN ('galley_heads', 'galley_revisions')`,
                  [schema],
                )
                return { byStore: rows[0].by_store, byAutovacuum: rows[0].by_autovacuum }
              },
              async drop() {
                await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
                await admin.end()
              },
            }
          },
        },
      ]
    : []),
]

for (const store of STORES) {
  describe(`plans on a fresh database [${store.name}]`, () => {
    let opened: Awaited<ReturnType<FreshStore['open']>>
    beforeAll(async () => {
      opened = await store.open()
      const body = 'words '.repeat(100)
      for (let i = 0; i < DOCS; i += 250)
        await opened.galley.transaction(async (g) => {
          for (let k = i; k < i + 250; k++)
            await g.create({
              collection: 'items',
              data: {
                title: `t${k}`,
                code: `c-${k % (DOCS / 2)}`,
                category: `k${k % CATEGORIES}`,
                body,
                serial: k,
              },
            })
        })
      // PostgreSQL analyses on a pooled connection, without holding up the write that asked.
      const until = Date.now() + 20_000
      while (opened.analysed && !(await opened.analysed()).byStore && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100))
    }, 120_000)
    afterAll(async () => {
      await opened?.galley.close()
      await opened?.drop?.()
    })

    const query = (where: Record<string, unknown>, kind: 'published' | 'drafts'): ResolvedQuery => {
      const coll = opened.galley.collection('items')
      return {
        collection: 'items',
        perspective: { kind },
        where: parseWhere(where, coll.paths, 'items'),
        sort: parseSort('-createdAt', coll),
        limit: 21,
        offset: 0,
      }
    }
    const usesFieldIndex =
      store.name === 'sqlite'
        ? /SEARCH h0 USING (COVERING )?INDEX galley_ix_\w+ \(collection=\? AND <expr>=\?\)/
        : /Index Cond: .*keys #>> '\{(code|category)\}'/
    const scans = store.name === 'sqlite' ? /PRIMARY KEY \(collection=\?\)|SCAN h0/ : /Seq Scan/

    for (const [field, value, total] of [
      ['code', 'c-7', 2],
      ['category', 'k7', DOCS / CATEGORIES],
    ] as const) {
      it(`equals on ${field} (${total} matches), limit 20 and totalDocs, through the field index`, async () => {
        const storage = opened.galley.config.storage as SqlStore
        for (const kind of ['published', 'drafts'] as const) {
          const q = query({ [field]: { equals: value } }, kind)
          for (const count of [false, true]) {
            const plan = await storage.explainResolved(q, { analyze: false, count })
            if (process.env.GALLEY_SHOW_PLANS) console.log(store.name, field, kind, count, plan)
            expect(plan, `${field} ${kind} ${count ? 'count' : 'page'}`).toMatch(usesFieldIndex)
            expect(plan, `${field} ${kind} ${count ? 'count' : 'page'}`).not.toMatch(scans)
          }
          const found = await opened.galley.find({
            collection: 'items',
            where: { [field]: { equals: value } },
            perspective: kind,
            limit: 20,
          })
          expect([found.docs.length, found.totalDocs]).toEqual([Math.min(20, total), total])
          expect(found.docs.every((d) => d[field] === value)).toBe(true)
        }
        if (opened.analysed)
          expect(await opened.analysed()).toEqual({ byStore: true, byAutovacuum: false })
      })
    }
    it('a range over a unique field (20 matches) reads its unique index, page and count', async () => {
      const storage = opened.galley.config.storage as SqlStore
      const unique =
        store.name === 'sqlite'
          ? /SEARCH h0 USING (COVERING )?INDEX galley_uq_\w+ \(<expr>>\?\)/
          : /Index Cond: .*keys #>> '\{serial\}'.* > /
      for (const kind of ['published', 'drafts'] as const) {
        const q = query({ serial: { gt: DOCS - 21 } }, kind)
        for (const count of [false, true]) {
          const plan = await storage.explainResolved(q, { analyze: false, count })
          if (process.env.GALLEY_SHOW_PLANS) console.log(store.name, 'serial', kind, count, plan)
          expect(plan, `serial ${kind} ${count ? 'count' : 'page'}`).toMatch(unique)
        }
        const found = await opened.galley.find({
          collection: 'items',
          where: { serial: { gt: DOCS - 21 } },
          perspective: kind,
          limit: 20,
        })
        expect([found.docs.length, found.totalDocs]).toEqual([20, 20])
      }
    })
  })
}
