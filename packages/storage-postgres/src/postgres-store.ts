import pg from 'pg'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import { ConfigError, QueryTimeoutError, StoreBusyError } from '@galley/core'
import { type Query, type SqlStore, createSqlStore, queryTimeoutOf } from '@galley/sql'
import { pgChangeListener } from './pg-change-listener'
import { postgresDialect } from './postgres-dialect'
import { PostgresStatistics } from './postgres-statistics'
import { SlowReadGate } from './slow-read-gate'

export interface PostgresOptions {
  connectionString: string
  /** Schema for Galley's tables (default `public`); lets instances or test runs share one database unseen. */
  schema?: string
  /** Pool size and timeouts passed to `pg.Pool`. */
  pool?: { max?: number; idleTimeoutMillis?: number; connectionTimeoutMillis?: number }
  /**
   * How long one statement may run (PostgreSQL's `statement_timeout`) before it is
   * cancelled with `QueryTimeoutError` (503 `QUERY_TIMEOUT`): default 5,000 ms, as on
   * SQLite. Start-up (migrations, field indexes) and the store's own ANALYZE run without
   * it. `false` leaves `statement_timeout` to the role or database.
   */
  queryTimeoutMs?: number | false
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * The production store on PostgreSQL (pg).
 * @example postgres({ connectionString: process.env.DATABASE_URL, schema: 'galley' })
 */
export function postgres(options: PostgresOptions): SqlStore {
  if (
    !options ||
    typeof options.connectionString !== 'string' ||
    !/^postgres(ql)?:\/\//.test(options.connectionString)
  ) {
    throw new ConfigError(
      `postgres({ connectionString }) needs a URL like postgres://user@host:5432/db.`,
    )
  }
  const schema = options.schema ?? 'public'
  if (!SCHEMA.test(schema))
    throw new ConfigError(
      `postgres schema ${JSON.stringify(schema)} must be lower-case letters, digits and _ (max 63).`,
    )
  const max = options.pool?.max ?? 10
  if (!Number.isInteger(max) || max < 2)
    throw new ConfigError(
      `postgres({ pool: { max } }) must be a whole number of at least 2, got ${String(max)}: opening the store holds one connection for its lock while the migrations use another.`,
    )
  const connectionTimeout = options.pool?.connectionTimeoutMillis ?? 10_000
  const timeoutMs = queryTimeoutOf(options.queryTimeoutMs, 'postgres')
  const limit = new StatementLimit(timeoutMs)
  // Every connection resolves unqualified names in the schema, so shared SQL needs no prefixes.
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max,
    idleTimeoutMillis: options.pool?.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: connectionTimeout,
    // JIT compiles a query whose estimated cost passes jit_above_cost: seconds for a wide
    // filter on a small table (an accepted 100-branch `or` on a 12-deep array path took
    // 2.5 s, 72 ms without it). Content reads are short; compiling never pays off.
    options: `-c search_path=${schema} -c jit=off${limit.startupOption}`,
  })
  pool.on('error', () => {}) // an idle client dropped by the server is replaced on next use
  // When every connection stays busy past the timeout (slow queries, a burst), pg says only
  // "timeout exceeded when trying to connect", which became a 500. Nothing ran: it is a
  // 503 the caller may retry, with a message that says what to look at.
  const waitingPool = {
    connect: async () => {
      try {
        return await limit.apply(timeoutAware(await pool.connect()))
      } catch (err) {
        if (err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message))
          throw new StoreBusyError(
            `The database is busy: all ${max} connections of the pool stayed in use for ${connectionTimeout / 1000} s. Try again shortly; if it lasts, look for slow queries or raise postgres({ pool: { max } }).`,
            1,
            err,
          )
        throw err
      }
    },
    end: () => pool.end(),
  }
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: waitingPool }) })
  const stats = new PostgresStatistics(db)
  const slowReads = new SlowReadGate(max - 2 || 1)
  const changes = pgChangeListener(options.connectionString, schema)
  return createSqlStore({
    name: 'postgres',
    db,
    dialect: postgresDialect,
    async runTransaction<T>(fn: (query: Query) => Promise<T>): Promise<T> {
      let changed = 0
      const result = await db.transaction().execute((trx) =>
        fn(async <R>(text: string, params: unknown[]) => {
          const r = await trx.executeQuery<R>(
            CompiledQuery.raw(postgresDialect.placeholders(text), params),
          )
          changed += Number(r.numAffectedRows ?? 0n)
          return r.rows
        }),
      )
      stats.changed(changed)
      return result
    },
    // Finds whose time grows with the collection leave two connections of the pool free.
    limitSlowReads: (read) => slowReads.run(read),
    watchChanges: changes.watch,
    beforeClose: async () => {
      changes.close()
      await stats.close()
    },
    async withInitLock(fn) {
      // Start-up runs unbounded: a migration or a new field's index on a large table may
      // take minutes, and the lock may wait for another process's start-up that long.
      limit.lift()
      let client: pg.PoolClient | undefined
      try {
        client = await limit.apply(await pool.connect())
        // The lock first: CREATE SCHEMA IF NOT EXISTS run by two sessions at once fails in
        // one of them (a unique violation on pg_namespace), so openers create it in turn.
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [`galley:${schema}`])
        try {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
          return await fn()
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`galley:${schema}`])
        }
      } finally {
        client?.release()
        limit.restore()
      }
    },
  })
}

/**
 * The statement time limit of the pool's sessions. Every session starts with it (a startup
 * option, so it costs no round trip); while start-up runs (`lift`), sessions taken from the
 * pool are set to no limit, and the first time each is taken afterwards, back to the limit.
 * Each session's setting is remembered, so a checkout outside start-up sends nothing.
 */
class StatementLimit {
  readonly #ms: number
  #lifted = 0
  readonly #unbounded = new WeakSet<pg.PoolClient>()

  constructor(ms: number) {
    this.#ms = ms
  }

  get startupOption(): string {
    return Number.isFinite(this.#ms) ? ` -c statement_timeout=${this.#ms}` : ''
  }

  lift(): void {
    this.#lifted++
  }

  restore(): void {
    this.#lifted--
  }

  /** `client`, its session set to the limit that holds now. */
  async apply(client: pg.PoolClient): Promise<pg.PoolClient> {
    if (!Number.isFinite(this.#ms)) return client
    const unbounded = this.#lifted > 0
    if (unbounded === this.#unbounded.has(client)) return client
    try {
      await client.query(`SET statement_timeout = ${unbounded ? 0 : this.#ms}`)
    } catch (err) {
      client.release(err instanceof Error ? err : true) // a session in an unknown state goes
      throw err
    }
    if (unbounded) this.#unbounded.add(client)
    else this.#unbounded.delete(client)
    return client
  }
}

const aware = new WeakSet<pg.PoolClient>()

/**
 * Errors PostgreSQL answers that are not the request's fault, as the errors they are (each
 * was a 500 INTERNAL): a statement cancelled by `statement_timeout` (`queryTimeoutMs`, or an
 * operator's setting) is a `QueryTimeoutError` (503 `QUERY_TIMEOUT`) that says what to
 * change; a deadlock or serialization failure is a `StoreBusyError` (503 `STORE_BUSY`,
 * `Retry-After`). Each pooled client is wrapped once.
 */
function timeoutAware(client: pg.PoolClient): pg.PoolClient {
  if (aware.has(client)) return client
  aware.add(client)
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  ;(client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args)
    return result instanceof Promise ? result.catch(timedOut) : result
  }
  return client
}

function timedOut(err: unknown): never {
  // By code alone: the message is in the server's lc_messages language. (57014 is also an
  // administrator's pg_cancel_backend, which the message names too.)
  const code = (err as { code?: string })?.code
  // Two transactions that lock the same documents in opposite orders (two GraphQL mutation
  // documents, a release publish beside a write): PostgreSQL rolls one back. It was a 500
  // INTERNAL; the same request would most likely pass now. Not retried here: the whole
  // transaction would have to run again, hooks included.
  if (code === '40P01' || code === '40001')
    throw new StoreBusyError(
      `This write ran into another one changing the same documents at the same time, and the database rolled it back (${code === '40P01' ? 'a deadlock' : 'a serialization failure'}): nothing was saved. Try again.`,
      1,
      err,
    )
  if (code === '57014')
    throw new QueryTimeoutError(
      `The database cancelled this statement (its statement_timeout, or an administrator); nothing was changed. If it filters or sorts by a field that is not indexed, give the field an index (index: true) or narrow the filter with an indexed field; else raise postgres({ queryTimeoutMs }) or the role's statement_timeout.`,
      err,
    )
  throw err
}
