import { CompiledQuery, type Kysely, type Transaction } from 'kysely'
import type { SqlDialect } from './sql-dialect'

/** Runs one statement (`?` placeholders) and returns its rows. */
export type Query = <R>(text: string, params: unknown[]) => Promise<R[]>

/** Runs one statement at once and returns its rows (see `Together`). */
export type ReadNow = <R>(text: string, params: unknown[]) => R[]

/**
 * Runs `fn` at once, its statements (through `read`) reading one snapshot of the database,
 * or answers undefined when it cannot now (SQLite: a transaction holds the connection).
 */
export type Together = <T>(fn: (read: ReadNow) => T) => T | undefined

/** A statement and its parameters, as a worker thread is sent it. */
export interface AsideStatement {
  text: string
  params: unknown[]
}

/**
 * Runs a page statement and, when its rows leave the total unknown (a full page, or none
 * past the start), the count statement, in one snapshot of the newest commit, away from the
 * thread that answers requests (SQLite: a worker thread with its own connection): for reads
 * whose time grows with the collection. Undefined when it cannot take the read.
 */
export type ReadAside = (
  page: AsideStatement,
  count: AsideStatement | undefined,
  paging: { limit: number; offset: number },
) => Promise<{ rows: unknown[]; total: number | undefined }> | undefined

/**
 * Runs `read` (the statements of one read whose time grows with the collection) when the
 * store's limit of such reads at once allows (PostgreSQL: a number of the pool's connections).
 */
export type LimitSlowReads = <T>(read: () => Promise<T>) => Promise<T>

/** Runs one statement through Kysely (a connection of the pool, or a transaction). */
export async function all<R>(
  db: Kysely<any> | Transaction<any>,
  d: SqlDialect,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  const result = await db.executeQuery<R>(
    CompiledQuery.raw(d.placeholders(text), params as unknown[]),
  )
  return result.rows
}
