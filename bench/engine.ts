// The Galley side of the benchmark: the engine through its Local API on SQLite or
// PostgreSQL, behind the same BenchTarget shape the Payload peer uses.
//
// The stores are loaded with dynamic import() so that a store that is missing or broken
// costs its own rows in the table instead of the whole run (and so that skipping
// PostgreSQL never loads pg at all).
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  createGalley,
  defineConfig,
  type Galley,
  type GalleyDoc,
  type StorageAdapter,
} from '@galley/core'
import type { BenchTarget, DocId, PostData } from './lib/target'

interface SqliteModule {
  sqlite(options: { file: string; readCache?: false; contentMemo?: false }): StorageAdapter
}
interface PostgresModule {
  postgres(options: { connectionString: string; schema?: string }): StorageAdapter
}

// A non-literal specifier keeps `tsc` from resolving the stores while they are being
// written; the interfaces above are the contract this file relies on.
async function load<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T
}

const COLLECTION = 'posts'

const SEED_BATCH = 500

/** The bench's Galley: one `posts` collection with drafts, the workload's fields, slug unique, code and category indexed. */
export async function open(storage: StorageAdapter): Promise<Galley> {
  return createGalley(
    defineConfig({
      storage,
      collections: [
        {
          slug: COLLECTION,
          versions: { drafts: true, maxPerDoc: 100 },
          fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'slug', type: 'slug', unique: true, index: true },
            { name: 'code', type: 'text', index: true },
            { name: 'category', type: 'text', index: true },
            { name: 'body', type: 'textarea' },
            { name: 'views', type: 'number' },
          ],
        },
      ],
    }),
  )
}

/** Seeding only: run `write` over `items` in transactions of SEED_BATCH Local API calls. */
async function seedInBatches<T>(
  galley: Galley,
  items: readonly T[],
  write: (g: Galley, item: T) => Promise<void>,
) {
  for (let i = 0; i < items.length; i += SEED_BATCH) {
    const batch = items.slice(i, i + SEED_BATCH)
    await galley.transaction(async (g) => {
      for (const item of batch) await write(g, item)
    })
  }
}

function wrap(name: string, galley: Galley, onClose: () => Promise<void>): BenchTarget {
  const title = (doc: GalleyDoc | null | undefined) =>
    doc && typeof doc.title === 'string' ? doc.title : null
  return {
    name,
    async seedPublished(posts) {
      const ids: DocId[] = []
      await seedInBatches(galley, posts, async (g, data) => {
        ids.push((await g.create({ collection: COLLECTION, data: { ...data } })).id)
      })
      return ids
    },
    async seedDrafts(saves) {
      await seedInBatches(galley, saves, async (g, s) => {
        await g.update({
          collection: COLLECTION,
          id: String(s.id),
          data: { ...s.data },
          draft: true,
        })
      })
    },
    async create(data: PostData) {
      return (await galley.create({ collection: COLLECTION, data: { ...data } })).id
    },
    async saveDraft(id, data) {
      await galley.update({
        collection: COLLECTION,
        id: String(id),
        data: { ...data },
        draft: true,
      })
    },
    async publish(id) {
      await galley.publish({ collection: COLLECTION, id: String(id) })
    },
    async findBySlug(slug, perspective) {
      const res = await galley.find({
        collection: COLLECTION,
        where: { slug: { equals: slug } },
        perspective,
        limit: 1,
      })
      return title(res.docs[0])
    },
    async findById(id, perspective) {
      return title(await galley.findById({ collection: COLLECTION, id: String(id), perspective }))
    },
    async findEqual(field, value) {
      const res = await galley.find({
        collection: COLLECTION,
        where: { [field]: { equals: value } },
        limit: 20,
      })
      return { docs: res.docs.length, totalDocs: res.totalDocs }
    },
    async close() {
      await galley.close()
      await onClose()
    },
  }
}

/**
 * `readCache: false` measures the store without its result cache: every read then runs its
 * statement, which is what a read costs right after a write. `contentMemo: false` parses
 * every row's content too: with both, what a read of content never read before costs.
 */
export async function createSqliteTarget(
  file: string,
  options: { readCache?: false; contentMemo?: false } = {},
): Promise<BenchTarget> {
  mkdirSync(dirname(file), { recursive: true })
  const clean = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
  }
  clean()
  const { sqlite } = await load<SqliteModule>('@galley/storage-sqlite')
  const galley = await open(sqlite({ file, ...options }))
  const name =
    (options.readCache === false ? 'galley-sqlite-uncached' : 'galley-sqlite') +
    (options.contentMemo === false ? '-unparsed' : '')
  return wrap(name, galley, async () => clean())
}

export async function createPostgresTarget(connectionString: string): Promise<BenchTarget> {
  // A fresh schema per run: no leftovers from earlier runs, nothing shared with tests.
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const pg = (await import('pg')).default
  const admin = new pg.Client({ connectionString })
  await admin.connect()
  const dropSchema = async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  }
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`)
    const { postgres } = await load<PostgresModule>('@galley/storage-postgres')
    const galley = await open(postgres({ connectionString, schema }))
    return wrap('galley-postgres', galley, dropSchema)
  } catch (err) {
    await dropSchema()
    throw err
  }
}
