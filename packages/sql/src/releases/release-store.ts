import type {
  JobRow,
  ReleaseId,
  ReleaseItemRow,
  ReleaseReads,
  ReleaseRow,
  ReleaseWrites,
} from '@galley/core/storage'
import type { Query } from '../query'
import type { SqlDialect } from '../sql-dialect'

interface RawRelease {
  id: string
  title: string
  description: string
  type: string
  publish_at: string | null
  state: string
  created_by: string | null
  created_at: string
  updated_at: string
  published_at: string | null
  revert_of: string | null
}

interface RawItem {
  release_id: string
  collection: string
  doc_id: string
  action: string
  before_data: unknown
  done: unknown
}

interface RawJob {
  id: string
  kind: string
  release_id: string | null
  collection: string | null
  doc_id: string | null
  run_at: string
  state: string
  created_by: string | null
  created_at: string
  ran_at: string | null
  ran_by: string | null
  error: string | null
}

const RELEASE_COLUMNS =
  'id, title, description, type, publish_at, state, created_by, created_at, updated_at, published_at, revert_of'
const JOB_COLUMNS =
  'id, kind, release_id, collection, doc_id, run_at, state, created_by, created_at, ran_at, ran_by, error'

function toRelease(r: RawRelease): ReleaseRow {
  return {
    id: r.id as ReleaseId,
    title: r.title,
    description: r.description,
    type: r.type as ReleaseRow['type'],
    publishAt: r.publish_at,
    state: r.state as ReleaseRow['state'],
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
    revertOf: r.revert_of as ReleaseId | null,
  }
}

function toJob(r: RawJob): JobRow {
  return {
    id: r.id,
    kind: r.kind as JobRow['kind'],
    releaseId: r.release_id as ReleaseId | null,
    collection: r.collection,
    docId: r.doc_id,
    runAt: r.run_at,
    state: r.state as JobRow['state'],
    createdBy: r.created_by,
    createdAt: r.created_at,
    ranAt: r.ran_at,
    ranBy: r.ran_by,
    error: r.error,
  }
}

function releaseParams(r: ReleaseRow): unknown[] {
  return [
    r.id,
    r.title,
    r.description,
    r.type,
    r.publishAt,
    r.state,
    r.createdBy,
    r.createdAt,
    r.updatedAt,
    r.publishedAt,
    r.revertOf,
  ]
}

function jobParams(j: JobRow): unknown[] {
  return [
    j.id,
    j.kind,
    j.releaseId,
    j.collection,
    j.docId,
    j.runAt,
    j.state,
    j.createdBy,
    j.createdAt,
    j.ranAt,
    j.ranBy,
    j.error,
  ]
}

/** Reads of releases and jobs through `all` (a pool or a transaction). */
export function sqlReleaseReads(all: Query, d: SqlDialect): ReleaseReads {
  return {
    async getRelease(id) {
      const [r] = await all<RawRelease>(
        `SELECT ${RELEASE_COLUMNS} FROM galley_releases WHERE id = ?`,
        [id],
      )
      return r ? toRelease(r) : undefined
    },
    async listReleases() {
      const rows = await all<RawRelease>(
        `SELECT ${RELEASE_COLUMNS} FROM galley_releases ORDER BY created_at DESC, id DESC`,
        [],
      )
      return rows.map(toRelease)
    },
    async findReleases({ states, limit, offset }) {
      if (states?.length === 0) return { rows: [], total: 0 }
      // States are a fixed set the core validated; bound as parameters all the same.
      const filter = states ? `WHERE state IN (${states.map(() => '?').join(', ')})` : ''
      const args = states ? [...states] : []
      const rows =
        limit === 0
          ? []
          : await all<RawRelease>(
              `SELECT ${RELEASE_COLUMNS} FROM galley_releases ${filter} ORDER BY created_at DESC, id DESC LIMIT ${Math.trunc(limit)} OFFSET ?`,
              [...args, offset],
            )
      const [c] = await all<{ n: number | string }>(
        `SELECT count(*) AS n FROM galley_releases ${filter}`,
        args,
      )
      return { rows: rows.map(toRelease), total: Number(c!.n) }
    },
    async listItems(releaseId) {
      const rows = await all<RawItem>(
        'SELECT release_id, collection, doc_id, action, before_data, done FROM galley_release_items WHERE release_id = ? ORDER BY collection, doc_id',
        [releaseId],
      )
      return rows.map((r): ReleaseItemRow => ({
        releaseId: r.release_id as ReleaseId,
        collection: r.collection,
        docId: r.doc_id,
        action: r.action as ReleaseItemRow['action'],
        before: r.before_data === null ? null : d.parseJson(r.before_data),
        done: r.done === true || r.done === 1,
      }))
    },
    async getJob(id) {
      const [r] = await all<RawJob>(`SELECT ${JOB_COLUMNS} FROM galley_jobs WHERE id = ?`, [id])
      return r ? toJob(r) : undefined
    },
    async listJobs(f) {
      const conds: string[] = []
      const params: unknown[] = []
      const add = (col: string, v: string | undefined) => {
        if (v === undefined) return
        conds.push(`${col} = ?`)
        params.push(v)
      }
      add('state', f.state)
      add('release_id', f.releaseId)
      add('collection', f.collection)
      add('doc_id', f.docId)
      const where = conds.length ? `WHERE ${conds.join(' AND ')}` : ''
      const limit = Math.max(1, Math.min(1000, Math.floor(f.limit ?? 100)))
      const rows = await all<RawJob>(
        `SELECT ${JOB_COLUMNS} FROM galley_jobs ${where} ORDER BY run_at DESC, id DESC LIMIT ${limit}`,
        params,
      )
      return rows.map(toJob)
    },
    async nextDueAt() {
      const [r] = await all<{ t: string | null }>(
        "SELECT min(run_at) AS t FROM galley_jobs WHERE state = 'pending'",
        [],
      )
      return r?.t ?? undefined
    },
  }
}

/** Reads and writes of releases and jobs inside a transaction. */
export function sqlReleaseWrites(all: Query, d: SqlDialect): ReleaseWrites {
  const reads = sqlReleaseReads(all, d)
  // PostgreSQL: a transaction that reads a release or a job to change it locks that row, so
  // concurrent publishes, schedules, archives and deletes of one release run one after the
  // other (SQLite's write transaction already does). Pending jobs are listed for cancelling
  // with SKIP LOCKED: one that a runner holds is left to the runner, which re-checks it.
  const pg = d.name === 'postgres'
  return {
    ...reads,
    async getRelease(id) {
      if (!pg) return reads.getRelease(id)
      const [r] = await all<RawRelease>(
        `SELECT ${RELEASE_COLUMNS} FROM galley_releases WHERE id = ? FOR UPDATE`,
        [id],
      )
      return r ? toRelease(r) : undefined
    },
    async tryLockRelease(id) {
      if (!pg) return reads.getRelease(id)
      const [r] = await all<RawRelease>(
        `SELECT ${RELEASE_COLUMNS} FROM galley_releases WHERE id = ? FOR UPDATE SKIP LOCKED`,
        [id],
      )
      if (r) return toRelease(r)
      return (await reads.getRelease(id)) ? 'busy' : undefined
    },
    async getJob(id) {
      if (!pg) return reads.getJob(id)
      const [r] = await all<RawJob>(
        `SELECT ${JOB_COLUMNS} FROM galley_jobs WHERE id = ? FOR UPDATE`,
        [id],
      )
      return r ? toJob(r) : undefined
    },
    async listJobs(f) {
      if (!pg || f.state !== 'pending') return reads.listJobs(f)
      const conds = ["state = 'pending'"]
      const params: unknown[] = []
      for (const [col, v] of [
        ['release_id', f.releaseId],
        ['collection', f.collection],
        ['doc_id', f.docId],
      ] as const)
        if (v !== undefined) {
          conds.push(`${col} = ?`)
          params.push(v)
        }
      const limit = Math.max(1, Math.min(1000, Math.floor(f.limit ?? 100)))
      const rows = await all<RawJob>(
        `SELECT ${JOB_COLUMNS} FROM galley_jobs WHERE ${conds.join(' AND ')} ORDER BY run_at DESC, id DESC LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
        params,
      )
      return rows.map(toJob)
    },
    async insertRelease(r) {
      await all(
        `INSERT INTO galley_releases (${RELEASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        releaseParams(r),
      )
    },
    async updateRelease(r) {
      const [id, ...rest] = releaseParams(r)
      await all(
        'UPDATE galley_releases SET title = ?, description = ?, type = ?, publish_at = ?, state = ?, created_by = ?, created_at = ?, updated_at = ?, published_at = ?, revert_of = ? WHERE id = ?',
        [...rest, id],
      )
    },
    async deleteRelease(id) {
      await all('DELETE FROM galley_release_items WHERE release_id = ?', [id])
      await all('DELETE FROM galley_jobs WHERE release_id = ?', [id])
      await all('DELETE FROM galley_releases WHERE id = ?', [id])
    },
    async putItems(rows) {
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100)
        await all(
          `INSERT INTO galley_release_items (release_id, collection, doc_id, action, before_data, done) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (release_id, collection, doc_id) DO UPDATE SET action = excluded.action, before_data = excluded.before_data, done = excluded.done`,
          chunk.flatMap((r) => [
            r.releaseId,
            r.collection,
            r.docId,
            r.action,
            r.before === null ? null : d.jsonParam(r.before),
            d.bool(r.done),
          ]),
        )
      }
    },
    async deleteItem(releaseId, collection, docId) {
      await all(
        'DELETE FROM galley_release_items WHERE release_id = ? AND collection = ? AND doc_id = ?',
        [releaseId, collection, docId],
      )
    },
    async insertJob(j) {
      await all(
        `INSERT INTO galley_jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        jobParams(j),
      )
    },
    async updateJob(j) {
      const [id, ...rest] = jobParams(j)
      await all(
        'UPDATE galley_jobs SET kind = ?, release_id = ?, collection = ?, doc_id = ?, run_at = ?, state = ?, created_by = ?, created_at = ?, ran_at = ?, ran_by = ?, error = ? WHERE id = ?',
        [...rest, id],
      )
    },
    async failJob(id, at, runner, error) {
      const rows = await all<{ id: string }>(
        "UPDATE galley_jobs SET state = 'failed', ran_at = ?, ran_by = ?, error = ? WHERE id = ? AND state = 'pending' RETURNING id",
        [at, runner, error.slice(0, 2000), id],
      )
      return rows.length > 0
    },
    async claimDueJob(now, runner) {
      if (d.name === 'sqlite') {
        // The write transaction (BEGIN IMMEDIATE) already excludes every other runner; the
        // lease row records which one holds it, for the health report.
        await all("UPDATE galley_job_lease SET holder = ?, taken_at = ? WHERE name = 'jobs'", [
          runner,
          now,
        ])
      }
      const lock = d.name === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''
      const [r] = await all<RawJob>(
        `SELECT ${JOB_COLUMNS} FROM galley_jobs WHERE state = 'pending' AND run_at <= ? ORDER BY run_at, id LIMIT 1${lock}`,
        [now],
      )
      return r ? toJob(r) : undefined
    },
  }
}
