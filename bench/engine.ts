// The Galley side of the benchmark: the engine through its Local API on SQLite or
// PostgreSQL, behind the same BenchTarget shape the Payload peer uses.
//
// The packages are loaded with dynamic import() so that a store that is missing or broken
// costs its own rows in the table instead of the whole run (and so that skipping
// PostgreSQL never loads pg at all).
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BenchTarget, DocId, Perspective, PostData } from './lib/target'

/** The slice of the Local API contract (DESIGN.md, "Local API") this benchmark calls. */
interface GalleyDocLike {
  id: string
  title?: unknown
  _status: string
  _variant: string
  _rev: string
}
interface Galley {
  create(args: { collection: string; data: Record<string, unknown>; draft?: boolean }): Promise<GalleyDocLike>
  update(args: { collection: string; id: string; data: Record<string, unknown>; draft?: boolean }): Promise<GalleyDocLike>
  publish(args: { collection: string; id: string }): Promise<GalleyDocLike>
  findById(args: { collection: string; id: string; perspective?: Perspective }): Promise<GalleyDocLike | null>
  find(args: {
    collection: string
    where?: Record<string, unknown>
    perspective?: Perspective
    limit?: number
  }): Promise<{ docs: GalleyDocLike[] }>
  close(): Promise<void>
}
interface CoreModule {
  createGalley(config: unknown): Promise<Galley>
  defineConfig<T>(config: T): T
}
interface SqliteModule {
  sqlite(options: { file: string }): unknown
}
interface PostgresModule {
  postgres(options: { connectionString: string; schema?: string }): unknown
}

// A non-literal specifier keeps `tsc` from resolving these while the packages are being
// written; the interfaces above are the contract this file relies on.
async function load<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T
}

const COLLECTION = 'posts'

function postsCollection() {
  return {
    slug: COLLECTION,
    versions: { drafts: true, maxPerDoc: 100 },
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'slug', type: 'slug', unique: true, index: true },
      { name: 'body', type: 'textarea' },
      { name: 'views', type: 'number' },
    ],
  }
}

function wrap(name: string, galley: Galley, onClose: () => Promise<void>): BenchTarget {
  const title = (doc: GalleyDocLike | null | undefined) => (doc && typeof doc.title === 'string' ? doc.title : null)
  return {
    name,
    async seedPublished(posts) {
      // The Local API has no batch write; one transaction per create is what users get.
      const ids: DocId[] = []
      for (const data of posts) ids.push((await galley.create({ collection: COLLECTION, data: { ...data } })).id)
      return ids
    },
    async seedDrafts(saves) {
      for (const s of saves) {
        await galley.update({ collection: COLLECTION, id: String(s.id), data: { ...s.data }, draft: true })
      }
    },
    async create(data: PostData) {
      return (await galley.create({ collection: COLLECTION, data: { ...data } })).id
    },
    async saveDraft(id, data) {
      await galley.update({ collection: COLLECTION, id: String(id), data: { ...data }, draft: true })
    },
    async publish(id) {
      await galley.publish({ collection: COLLECTION, id: String(id) })
    },
    async findBySlug(slug, perspective) {
      const res = await galley.find({ collection: COLLECTION, where: { slug: { equals: slug } }, perspective, limit: 1 })
      return title(res.docs[0])
    },
    async findById(id, perspective) {
      return title(await galley.findById({ collection: COLLECTION, id: String(id), perspective }))
    },
    async close() {
      await galley.close()
      await onClose()
    },
  }
}

async function open(storage: unknown): Promise<Galley> {
  const core = await load<CoreModule>('@galley/core')
  return core.createGalley(core.defineConfig({ storage, collections: [postsCollection()] }))
}

export async function createSqliteTarget(file: string): Promise<BenchTarget> {
  mkdirSync(dirname(file), { recursive: true })
  const clean = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
  }
  clean()
  const { sqlite } = await load<SqliteModule>('@galley/storage-sqlite')
  const galley = await open(sqlite({ file }))
  return wrap('galley-sqlite', galley, async () => clean())
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
