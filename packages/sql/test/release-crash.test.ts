import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { type StorageAdapter, Releases, createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'
import { crashPosts } from './helpers/crash-config'

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const dir = mkdtempSync(join(tmpdir(), 'galley-crash-'))
const schemas: string[] = []
const N = 1000

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (!PG_URL) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
})

const TARGETS = [
  {
    name: 'sqlite',
    target() {
      const file = join(dir, `${randomBytes(4).toString('hex')}.db`)
      return { where: file, schema: '-', make: (): StorageAdapter => sqlite({ file }) }
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'postgres',
          target() {
            const schema = `t_${randomBytes(6).toString('hex')}`
            schemas.push(schema)
            return {
              where: PG_URL,
              schema,
              make: (): StorageAdapter => postgres({ connectionString: PG_URL, schema }),
            }
          },
        },
      ]
    : []),
]

/** Run the child until it says `mid`, then SIGKILL it; resolves with what it printed. */
function killMidway(args: string[]): Promise<string> {
  const script = join(import.meta.dirname, 'helpers', 'release-child.ts')
  const child = spawn(
    process.execPath,
    ['--conditions=@galley/source', '--import', 'tsx', script, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the child never got half-way: ${out}`))
    }, 60_000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('mid')) child.kill('SIGKILL')
    })
    child.on('exit', (_code, signal) => {
      clearTimeout(timer)
      if (signal !== 'SIGKILL') reject(new Error(`the child exited by itself: ${out}`))
      else resolve(out)
    })
  })
}

for (const t of TARGETS) {
  describe(`a release publish killed half-way [${t.name}]`, () => {
    it(`leaves none of ${N} documents published, then publishes all of them`, async () => {
      const { where, schema, make } = t.target()
      let g = await createGalley({ storage: make(), collections: [crashPosts()] })
      const releases = new Releases(g)
      const rel = await releases.create({ title: 'Big' })
      const ids: string[] = []
      await g.transaction(async (tx) => {
        for (let i = 0; i < N; i++) {
          const d = await tx.create({
            collection: 'posts',
            data: { title: `old ${i}`, body: 'x'.repeat(200) },
            draft: i % 2 === 0,
          })
          await tx.update({
            collection: 'posts',
            id: d.id,
            release: rel.id,
            data: { title: `new ${i}` },
          })
          ids.push(d.id)
        }
      })
      await g.close()

      const out = await killMidway([where, schema, rel.id, String(N)])
      expect(out).toContain('mid')
      expect(out).not.toContain('finished')

      g = await createGalley({ storage: make(), collections: [crashPosts()] })
      try {
        const count = async (title: string) =>
          (await g.count({ collection: 'posts', where: { title: { like: title } } })).totalDocs
        expect(await count('new')).toBe(0)
        expect(await count('old')).toBe(N / 2) // the odd ones were published before
        const again = new Releases(g)
        expect((await again.get({ id: rel.id })).state).toBe('active')
        const started = performance.now()
        const res = await again.publish({ id: rel.id })
        const ms = performance.now() - started
        console.log(`[release crash ${t.name}] publishing ${N} documents took ${ms.toFixed(0)} ms`)
        expect(res.documents.every((d) => d.outcome === 'published')).toBe(true)
        expect(await count('new')).toBe(N)
      } finally {
        await g.close()
      }
    }, 120_000)
  })
}
