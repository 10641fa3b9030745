import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { type Galley, Releases, createGalley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'
import { blogConfig } from './helpers/blog'

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const dir = mkdtempSync(join(tmpdir(), 'galley-scale-'))
const children: ChildProcess[] = []
const schemas: string[] = []

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  if (!PG_URL || !schemas.length) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Start a server process and wait until it listens. */
function startServer(where: string, schema: string, name: string): Promise<ChildProcess> {
  const script = join(import.meta.dirname, 'helpers', 'job-server.ts')
  const child = spawn(
    process.execPath,
    ['--conditions=@galley/source', '--import', 'tsx', script, where, schema, name],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 60_000)
    child.stdout!.on('data', (c) => {
      out += c
      if (out.includes('ready')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.on('exit', () => reject(new Error(`${name} exited: ${out}`)))
  })
}

const TARGETS = [
  ...(PG_URL
    ? [
        {
          name: 'postgres',
          open() {
            const schema = `scale_${randomBytes(6).toString('hex')}`
            schemas.push(schema)
            return {
              where: PG_URL,
              schema,
              storage: () => postgres({ connectionString: PG_URL, schema, pool: { max: 3 } }),
            }
          },
        },
      ]
    : []),
  {
    name: 'sqlite file',
    open() {
      const file = join(dir, `${randomBytes(4).toString('hex')}.db`)
      return { where: file, schema: '-', storage: () => sqlite({ file }) }
    },
  },
]

for (const t of TARGETS) {
  describe(`three server processes on one database (${t.name})`, () => {
    it('publish a release and single documents once each, on time, with one server killed', async () => {
      const { where, schema, storage } = t.open()
      // The schema exists before the servers start (they would race to create it otherwise).
      const g: Galley = await createGalley(blogConfig(storage()))
      try {
        const servers = await Promise.all(
          ['s0', 's1', 's2'].map((n) => startServer(where, schema, n)),
        )
        const releases = new Releases(g)
        const single: string[] = []
        const inRelease: string[] = []
        const rel = await releases.create({ title: 'Scale-out' })
        for (let i = 0; i < 4; i++) {
          const a = await g.create({ collection: 'authors', data: { name: `A${i}` }, draft: true })
          single.push(a.id)
          const b = await g.create({ collection: 'authors', data: { name: `B${i}` }, draft: true })
          await g.update({
            collection: 'authors',
            id: b.id,
            release: rel.id,
            data: { name: `B${i}!` },
          })
          inRelease.push(b.id)
        }
        const at = new Date(Date.now() + 2000).toISOString()
        for (const id of single)
          await releases.scheduleDocument({ collection: 'authors', id, action: 'publish', at })
        await releases.schedule({ id: rel.id, publishAt: at })
        await sleep(1000)
        servers[0]!.kill('SIGKILL') // one server dies before the time
        await sleep(2800)
        const jobs = await releases.listSchedules({})
        expect(jobs).toHaveLength(5)
        for (const job of jobs) {
          expect(job.state).toBe('done')
          expect(['s1', 's2']).toContain(job.ranBy)
          const late = Date.parse(job.ranAt!) - Date.parse(job.runAt)
          expect(late).toBeGreaterThanOrEqual(0)
          expect(late).toBeLessThan(1000)
        }
        for (const id of [...single, ...inRelease]) {
          const { docs } = await g.listRevisions({ collection: 'authors', id, limit: 50 })
          expect(docs.filter((r) => r.action === 'publish')).toHaveLength(1)
        }
        expect((await g.findById({ collection: 'authors', id: inRelease[0]! }))?.name).toBe('B0!')
      } finally {
        for (const c of children.splice(0)) c.kill('SIGKILL')
        await g.close()
      }
    }, 120_000)
  })
}
