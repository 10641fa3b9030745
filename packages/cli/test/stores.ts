import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The stores the CLI suites run on, as the environment the example config reads. */
export interface CliStore {
  name: 'sqlite' | 'postgres'
  skip?: string
  /** Env for one suite (a fresh schema on PostgreSQL) and a cleanup. */
  make(): { env: Record<string, string>; drop(): Promise<void> }
}

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const skipPg =
  !PG_URL && !process.env.CI
    ? 'GALLEY_TEST_POSTGRES_URL is not set (and CI is not set): skipping the PostgreSQL suites.'
    : undefined
if (skipPg) console.warn(`[galley cli tests] ${skipPg}`)

export const STORES: CliStore[] = [
  { name: 'sqlite', make: () => ({ env: {}, drop: async () => {} }) },
  {
    name: 'postgres',
    skip: skipPg,
    make() {
      if (!PG_URL)
        throw new Error(
          'CI is set, so the PostgreSQL suites must run: set GALLEY_TEST_POSTGRES_URL.',
        )
      const schema = `galley_cli_${randomBytes(6).toString('hex')}`
      return {
        env: { DATABASE_URL: PG_URL, GALLEY_PG_SCHEMA: schema },
        async drop() {
          const c = new pg.Client({ connectionString: PG_URL })
          await c.connect()
          try {
            await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          } finally {
            await c.end()
          }
        },
      }
    },
  },
]
