import type { ResolvedQuery, StorageReader } from '@galley/core/storage'
import type { KeyedFields } from './keyed-fields'
import { sqlReleaseReads } from './releases/release-store'
import type { Query } from './query'
import { resolvedCount, resolvedSelect } from './resolved-select'
import type { SqlDialect } from './sql-dialect'
import { COUNT_REVISIONS, GET_REVISION, HEADS_WITH_CONTENT, LIST_REVISIONS } from './statements'
import { type RawHead, type RawRevision, toHead, toRevision } from './stored-rows'

/** The indexed fields of a collection, as the store last synchronised them. */
export type KeyedOf = (collection: string) => KeyedFields

/** The reads of the storage contract, each statement run through `all`. */
export function sqlReader(all: Query, d: SqlDialect, keyedOf: KeyedOf): StorageReader {
  return {
    async getHeads(collection, id) {
      return (await all<RawHead>(`${HEADS_WITH_CONTENT(collection)} AND h0.id = ?`, [id])).map(
        (x) => toHead(x, d),
      )
    },
    async findResolved(q: ResolvedQuery) {
      // One row more than asked tells whether anything follows, so most pages need no count.
      const { text, params } = resolvedSelect(
        { ...q, limit: q.limit + 1 },
        d,
        keyedOf(q.collection),
      )
      const found = await all<RawHead>(text, params)
      const more = found.length > q.limit
      const heads = (more ? found.slice(0, q.limit) : found).map((x) => toHead(x, d))
      let total = heads.length + q.offset
      if (!q.skipCount && (more || (heads.length === 0 && q.offset > 0)))
        total = await countRows(all, d, keyedOf(q.collection), q)
      return { rows: heads, total }
    },
    countResolved(q) {
      return countRows(all, d, keyedOf(q.collection), q)
    },
    async listRevisions(collection, id, { limit, offset }) {
      const rows = await all<RawRevision>(LIST_REVISIONS(limit), [collection, id, offset])
      const [c] = await all<{ n: number | string }>(COUNT_REVISIONS, [collection, id])
      return { rows: rows.map((x) => toRevision(x, d)), total: Number(c!.n) }
    },
    async getRevision(collection, id, revisionId) {
      const [r] = await all<RawRevision>(GET_REVISION, [collection, id, revisionId])
      return r ? toRevision(r, d) : undefined
    },
    releases: sqlReleaseReads(all, d),
  }
}

async function countRows(
  all: Query,
  d: SqlDialect,
  keyed: KeyedFields,
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
): Promise<number> {
  const { text, params } = resolvedCount(q, d, keyed)
  const [c] = await all<{ n: number | string }>(text, params)
  return Number(c!.n)
}
