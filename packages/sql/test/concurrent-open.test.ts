import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/migrations'

const ENGINES = 4
const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL

/**
 * One engine per process: it loads everything, says `ready`, and opens the store (migrations,
 * field indexes) only when told `go`, so that every process opens the new database at once.
 */
const CHILD = (store: string, codeIndexed = true) => `
import { createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'
process.stdout.write('ready\\n')
process.stdin.once('data', async () => {
  try {
    const g = await createGalley({
      storage: ${store},
      collections: [{
        slug: 'posts',
        versions: { drafts: true },
        fields: [
          { name: 'title', type: 'text' },
          { name: 'slug', type: 'text', unique: true, index: true },
          { name: 'code', type: 'text', index: ${codeIndexed} },
        ],
      }],
    })
    const doc = await g.create({ collection: 'posts', data: { title: 't', slug: 's-' + process.pid, code: 'c' } })
    await g.close()
    process.stdout.write('ok ' + doc.id + '\\n')
    process.exit(0)
  } catch (err) {
    process.stdout.write('failed ' + String((err && err.stack) || err) + '\\n')
    process.exit(1)
  }
})
`

function start(script: string): {
  child: ChildProcess
  ready: Promise<void>
  done: Promise<string>
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@galley/source', '--import', 'tsx', script],
    {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  let out = ''
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  child.stdout!.on('data', (chunk) => {
    out += chunk
    if (out.includes('ready\n')) onReady()
  })
  const done = new Promise<string>((resolve) => child.on('exit', () => resolve(out)))
  return { child, ready, done }
}

/** Start ENGINES processes on `store` (source text), release them together, return their output. */
async function openAtOnce(store: string, codeIndexed = true): Promise<string[]> {
  // Next to this file, so that the script resolves @galley/* as the tests do.
  const script = join(import.meta.dirname, `.open-test-${process.pid}.tmp.mts`)
  try {
    writeFileSync(script, CHILD(store, codeIndexed))
    const children = Array.from({ length: ENGINES }, () => start(script))
    await Promise.all(children.map((c) => c.ready))
    for (const c of children) c.child.stdin!.write('go\n')
    return await Promise.all(children.map((c) => c.done))
  } finally {
    rmSync(script, { force: true })
  }
}

const OK = /^ready\nok \S+\n$/

describe('engines opening one new database at the same moment', () => {
  it(`[sqlite] ${ENGINES} processes on one new file all open it; the schema is migrated once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-open-'))
    try {
      const file = join(dir, 'data.db')
      const outputs = await openAtOnce(`sqlite({ file: ${JSON.stringify(file)} })`)
      for (const out of outputs) expect(out).toMatch(OK)
      const db = new Database(file, { readonly: true })
      try {
        const versions = db
          .prepare('SELECT version FROM galley_migrations ORDER BY version')
          .pluck()
          .all()
        expect(versions).toEqual(MIGRATIONS.map((m) => m.version))
        expect(db.prepare('SELECT count(*) FROM galley_heads').pluck().get()).toBe(ENGINES)
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      } finally {
        db.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it(`[sqlite] ${ENGINES} processes that all re-key an existing file's heads at once all open it`, async () => {
    // A field newly indexed: every opener recomputes the heads' keyed values in a transaction
    // that reads the heads and then writes them.
    const dir = mkdtempSync(join(tmpdir(), 'galley-open-'))
    try {
      const file = join(dir, 'data.db')
      const before = await openAtOnce(`sqlite({ file: ${JSON.stringify(file)} })`, false)
      for (const out of before) expect(out).toMatch(OK)
      const outputs = await openAtOnce(`sqlite({ file: ${JSON.stringify(file)} })`, true)
      for (const out of outputs) expect(out).toMatch(OK)
      const db = new Database(file, { readonly: true })
      try {
        const keys = db.prepare('SELECT keys FROM galley_heads').pluck().all() as string[]
        expect(keys).toHaveLength(2 * ENGINES)
        for (const k of keys) expect(JSON.parse(k)).toMatchObject({ code: 'c' })
      } finally {
        db.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it.skipIf(!PG_URL)(
    `[postgres] ${ENGINES} processes on one new schema all open it; the schema is migrated once`,
    async () => {
      const schema = `t_open_${randomBytes(6).toString('hex')}`
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      try {
        const outputs = await openAtOnce(
          `postgres({ connectionString: ${JSON.stringify(PG_URL)}, schema: ${JSON.stringify(schema)} })`,
        )
        for (const out of outputs) expect(out).toMatch(OK)
        const versions = await client.query(
          `SELECT version FROM ${schema}.galley_migrations ORDER BY version`,
        )
        expect(versions.rows.map((r) => Number(r.version))).toEqual(
          MIGRATIONS.map((m) => m.version),
        )
        const heads = await client.query(`SELECT count(*) AS n FROM ${schema}.galley_heads`)
        expect(Number(heads.rows[0].n)).toBe(ENGINES)
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await client.end()
      }
    },
    60_000,
  )
})
