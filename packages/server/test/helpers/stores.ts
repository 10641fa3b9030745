import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { StorageAdapter } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'

/** A store under test: `make()` gives a fresh, empty one and a `drop()` that removes it. */
export interface TestStore {
  name: 'sqlite' | 'postgres'
  /** Why this store's suites are skipped, or undefined when they run. */
  skip?: string
  make(): Promise<{ storage: StorageAdapter; drop(): Promise<void>; env: Record<string, string> }>
}

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const IN_CI = !!process.env.CI
let warned = false

function pgSkipReason(): string | undefined {
  if (PG_URL || IN_CI) return undefined
  const reason =
    'GALLEY_TEST_POSTGRES_URL is not set (and CI is not set): skipping the PostgreSQL suites.'
  if (!warned) {
    warned = true
    console.warn(`[galley tests] ${reason}`)
  }
  return reason
}

/** Every store the server suites run against (Kysely's DIALECTS pattern). */
export const STORES: TestStore[] = [
  {
    name: 'sqlite',
    async make() {
      return { storage: sqlite({ file: ':memory:' }), drop: async () => {}, env: {} }
    },
  },
  {
    name: 'postgres',
    skip: pgSkipReason(),
    async make() {
      if (!PG_URL)
        throw new Error(
          'CI is set, so the PostgreSQL suites must run: set GALLEY_TEST_POSTGRES_URL.',
        )
      // A fresh schema per suite, dropped afterwards, so runs never see each other's data.
      const schema = `galley_srv_${randomBytes(6).toString('hex')}`
      return {
        storage: postgres({ connectionString: PG_URL, schema, pool: { max: 4 } }),
        env: { DATABASE_URL: PG_URL, GALLEY_PG_SCHEMA: schema },
        async drop() {
          const client = new pg.Client({ connectionString: PG_URL })
          await client.connect()
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          } finally {
            await client.end()
          }
        },
      }
    },
  },
]
