import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Galley, type StorageAdapter, JobRunner, Releases, createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'
import pg from 'pg'
import { authors, posts, settings } from './stores'

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const dir = mkdtempSync(join(tmpdir(), 'galley-jobs-'))
const schemas: string[] = []

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (!PG_URL) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
})

/** A factory of stores that all open the same database (one SQLite file, one PG schema). */
interface SharedStore {
  name: string
  open(): () => StorageAdapter
}

const SHARED: SharedStore[] = [
  {
    name: 'sqlite file',
    open() {
      const file = join(dir, `${randomBytes(6).toString('hex')}.db`)
      return () => sqlite({ file })
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'postgres',
          open() {
            const schema = `t_${randomBytes(6).toString('hex')}`
            schemas.push(schema)
            return () => postgres({ connectionString: PG_URL, schema, pool: { max: 3 } })
          },
        },
      ]
    : []),
]

const open = (make: () => StorageAdapter) =>
  createGalley({ storage: make(), collections: [authors, posts], globals: [settings] })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** How many times each document was published, counted from its revision history. */
async function publishCounts(g: Galley, ids: string[]): Promise<number[]> {
  const out: number[] = []
  for (const id of ids) {
    const { docs } = await g.listRevisions({ collection: 'posts', id, limit: 100 })
    out.push(docs.filter((r) => r.action === 'publish').length)
  }
  return out
}

for (const shared of SHARED) {
  describe(`scheduled jobs [${shared.name}]`, () => {
    it('fire exactly once, within a second, with three runners on one database', async () => {
      const make = shared.open()
      const engines = [await open(make), await open(make), await open(make)]
      const [g] = engines as [Galley, Galley, Galley]
      const releases = new Releases(g)
      try {
        const single: string[] = []
        for (let i = 0; i < 6; i++)
          single.push(
            (await g.create({ collection: 'posts', data: { title: `S${i}` }, draft: true })).id,
          )
        const inRelease: string[] = []
        const rel = await releases.create({ title: 'Together' })
        for (let i = 0; i < 6; i++) {
          const d = await g.create({ collection: 'posts', data: { title: `R${i}` }, draft: true })
          await g.update({
            collection: 'posts',
            id: d.id,
            release: rel.id,
            data: { title: `R${i}!` },
          })
          inRelease.push(d.id)
        }
        const at = new Date(Date.now() + 1500).toISOString()
        for (const id of single)
          await releases.scheduleDocument({ collection: 'posts', id, action: 'publish', at })
        await releases.schedule({ id: rel.id, publishAt: at })
        const runners = engines.map((e, i) =>
          new JobRunner(e, { pollMs: 200, name: `n${i}` }).start(),
        )
        await sleep(3000)
        await Promise.all(runners.map((r) => r.stop()))
        expect(await publishCounts(g, [...single, ...inRelease])).toEqual(Array(12).fill(1))
        const jobs = await releases.listSchedules({})
        expect(jobs).toHaveLength(7)
        for (const job of jobs) {
          expect(job.state).toBe('done')
          const late = Date.parse(job.ranAt!) - Date.parse(job.runAt)
          expect(late).toBeGreaterThanOrEqual(0)
          expect(late).toBeLessThan(1000)
        }
        expect(runners.reduce((n, r) => n + r.ran, 0)).toBe(7)
        expect((await releases.get({ id: rel.id })).state).toBe('published')
        expect((await g.findById({ collection: 'posts', id: inRelease[0]! }))?.title).toBe('R0!')
      } finally {
        for (const e of engines) await e.close()
      }
    }, 20_000)

    it('runs schedules missed while every server was down at start-up, and records failures', async () => {
      const make = shared.open()
      const first = await open(make)
      const releases = new Releases(first)
      const doc = await first.create({ collection: 'posts', data: { title: 'Late' }, draft: true })
      const live = await first.create({ collection: 'posts', data: { title: 'Up' } })
      const bad = await releases.create({ title: 'Broken' })
      await first.update({ collection: 'posts', id: live.id, release: bad.id, data: { title: '' } })
      const at = new Date(Date.now() + 300).toISOString()
      await releases.scheduleDocument({ collection: 'posts', id: doc.id, action: 'publish', at })
      await releases.scheduleDocument({ collection: 'posts', id: live.id, action: 'unpublish', at })
      await releases.schedule({ id: bad.id, publishAt: at })
      await first.close() // every server is down when the time comes
      await sleep(600)
      const second = await open(make)
      try {
        const started = Date.now()
        const runner = new JobRunner(second, { pollMs: 5_000, name: 'late' }).start()
        while (runner.ran < 3 && Date.now() - started < 3000) await sleep(20)
        await runner.stop()
        expect(Date.now() - started).toBeLessThan(1000)
        expect((await second.findById({ collection: 'posts', id: doc.id }))?.title).toBe('Late')
        expect(await second.findById({ collection: 'posts', id: live.id })).toBeNull()
        const health = await new Releases(second).health()
        expect(health.failures).toEqual([
          expect.objectContaining({
            kind: 'release',
            releaseId: bad.id,
            error: expect.stringMatching(/title/),
          }),
        ])
        expect(health.lastRun?.by).toBe('late')
        expect((await new Releases(second).get({ id: bad.id })).state).toBe('active')
      } finally {
        await second.close()
      }
    }, 20_000)

    it('refuses a time in the past or without a time zone', async () => {
      const g = await open(shared.open())
      try {
        const releases = new Releases(g)
        const d = await g.create({ collection: 'posts', data: { title: 'x' }, draft: true })
        const args = { collection: 'posts', id: d.id, action: 'publish' }
        await expect(
          releases.scheduleDocument({ ...args, at: new Date(Date.now() - 1000).toISOString() }),
        ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/in the past/) })
        await expect(
          releases.scheduleDocument({ ...args, at: '2099-01-01 10:00' }),
        ).rejects.toMatchObject({ status: 400 })
        expect(await releases.listSchedules({})).toEqual([])
      } finally {
        await g.close()
      }
    })
  })
}
