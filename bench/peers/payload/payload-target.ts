// Payload 3.90 behind the shared BenchTarget shape, through its Local API without Next.
// Measured ops use Payload's default SQLite adapter settings (no explicit transactions,
// default journal), which is what "Payload's figures" in the issue were taken with.
// Only seeding uses a second, transactional instance so 10,000 + N×2,000 writes finish
// in reasonable time; seeding is not measured.
import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import {
  buildConfig,
  commitTransaction,
  createLocalReq,
  getPayload,
  initTransaction,
  type CollectionConfig,
  type Payload,
} from 'payload'
import type { BenchTarget, DocId, Perspective, PostData } from '../../lib/target'

const posts: CollectionConfig = {
  slug: 'posts',
  versions: { drafts: true },
  fields: [
    { name: 'title', type: 'text', required: true },
    { name: 'slug', type: 'text', unique: true, index: true },
    { name: 'code', type: 'text', index: true },
    { name: 'category', type: 'text', index: true },
    { name: 'body', type: 'textarea' },
    { name: 'views', type: 'number' },
  ],
}

const walMode = ['1', 'true'].includes(process.env.GALLEY_BENCH_PAYLOAD_WAL ?? '')

// Payload logs through pino to stdout; keep stdout for the result line only.
const quietLogger = {
  options: { level: 'error' as const },
  destination: { write: (line: string) => process.stderr.write(line) },
}

async function open(file: string, key: string, transactional: boolean): Promise<Payload> {
  const config = buildConfig({
    secret: 'galley-bench-payload-peer-secret-0123456789',
    telemetry: false,
    typescript: { autoGenerate: false },
    graphQL: { disablePlaygroundInProduction: true },
    logger: quietLogger,
    db: sqliteAdapter({
      client: { url: `file:${file}` },
      ...(transactional ? { transactionOptions: {} } : {}),
      // Off by default (Payload's default); GALLEY_BENCH_PAYLOAD_WAL=1 gives Payload WAL with
      // synchronous=NORMAL, to see how much of a gap is journal settings rather than design.
      ...(walMode ? { wal: { synchronous: 'NORMAL' as const } } : {}),
    }),
    collections: [posts],
  })
  return getPayload({ config, key })
}

async function shut(payload: Payload): Promise<void> {
  await payload.destroy()
  // destroy() leaves the libsql client open; close it so the file is released.
  const client = (payload.db as unknown as { client?: { close(): void } }).client
  client?.close()
}

const SEED_BATCH = 500

export async function createPayloadTarget(file: string): Promise<BenchTarget> {
  mkdirSync(dirname(file), { recursive: true })
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })

  let seeder: Payload | null = await open(file, `seed-${file}`, true)
  let measured: Payload | null = null

  const seedInBatches = async <T>(
    items: readonly T[],
    write: (p: Payload, item: T, req: unknown) => Promise<unknown>,
  ) => {
    if (!seeder) throw new Error('seeding after measuring started')
    const out: unknown[] = []
    for (let i = 0; i < items.length; i += SEED_BATCH) {
      const req = await createLocalReq({}, seeder)
      await initTransaction(req)
      for (const item of items.slice(i, i + SEED_BATCH)) out.push(await write(seeder, item, req))
      await commitTransaction(req)
    }
    return out
  }

  const live = async (): Promise<Payload> => {
    if (measured) return measured
    if (seeder) {
      await shut(seeder)
      seeder = null
    }
    measured = await open(file, `bench-${file}`, false)
    return measured
  }

  return {
    name: walMode ? 'payload-sqlite-wal' : 'payload-sqlite',
    async seedPublished(items) {
      const docs = await seedInBatches(items, (p, data, req) =>
        p.create({
          collection: 'posts',
          data: { ...data, _status: 'published' },
          req: req as never,
          depth: 0,
        }),
      )
      return docs.map((d) => (d as { id: DocId }).id)
    },
    async seedDrafts(saves) {
      await seedInBatches(saves, (p, s, req) =>
        p.update({
          collection: 'posts',
          id: s.id,
          data: s.data,
          draft: true,
          req: req as never,
          depth: 0,
        }),
      )
    },
    async create(data: PostData) {
      const p = await live()
      const doc = await p.create({ collection: 'posts', data: { ...data, _status: 'published' } })
      return doc.id
    },
    async saveDraft(id, data) {
      const p = await live()
      await p.update({ collection: 'posts', id, data, draft: true })
    },
    async publish(id) {
      // What Payload's Publish button does: save the latest (draft) version as published.
      const p = await live()
      await p.update({ collection: 'posts', id, data: { _status: 'published' } })
    },
    async findBySlug(slug: string, perspective: Perspective) {
      const p = await live()
      const res = await p.find({
        collection: 'posts',
        where: { slug: { equals: slug } },
        draft: perspective === 'drafts',
        limit: 1,
      })
      const doc = res.docs[0] as { title?: string } | undefined
      return doc?.title ?? null
    },
    async findById(id, perspective: Perspective) {
      const p = await live()
      const doc = (await p.findByID({
        collection: 'posts',
        id,
        draft: perspective === 'drafts',
      })) as {
        title?: string
      } | null
      return doc?.title ?? null
    },
    async findEqual(field, value) {
      const p = await live()
      const res = await p.find({
        collection: 'posts',
        where: { [field]: { equals: value } },
        limit: 20,
      })
      return { docs: res.docs.length, totalDocs: res.totalDocs }
    },
    async close() {
      if (seeder) await shut(seeder)
      if (measured) await shut(measured)
      seeder = measured = null
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    },
  }
}
