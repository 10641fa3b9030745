import type { HeadRow, ReleaseReads, ResolvedQuery, StorageReader } from '@galley/core/storage'
import type { KeyedFields } from './keyed-fields'
import type { LimitSlowReads, Query, ReadAside, ReadNow, Together } from './query'
import { sqlReleaseReads } from './releases/release-store'
import { type Statement, resolvedCount, resolvedSelect } from './resolved-select'
import { type SqlDialect, literal } from './sql-dialect'
import { statementText } from './statement-texts'
import {
  COUNT_REVISIONS,
  GET_REVISION,
  HEADS_WITH_CONTENT,
  LIST_REVISIONS,
  packedRow,
  revisionOf,
} from './statements'
import { type RawRevision, type StoredHead, toHead, toRevision } from './stored-rows'

/** The indexed fields of a collection, as the store last synchronised them. */
export type KeyedOf = (collection: string) => KeyedFields

/**
 * The reads of the storage contract, each statement run through `all`. A class, so that
 * its methods are made once: every write makes a transaction (a subclass), and an object
 * of fresh closures per write costs more than the statements of a small read. The
 * release reads are made when first asked for, for the same reason.
 */
export class SqlReads implements StorageReader {
  #releases: ReleaseReads | undefined

  constructor(
    protected readonly all: Query,
    protected readonly d: SqlDialect,
    protected readonly keyedOf: KeyedOf,
    /** Outside transactions on SQLite: a page and its count read one snapshot. */
    private readonly together?: Together,
    /** Outside transactions on SQLite: where reads whose time grows with the collection run. */
    private readonly aside?: ReadAside,
    /** Outside transactions on PostgreSQL: runs such reads within a limit of them at once. */
    private readonly limitSlow?: LimitSlowReads,
  ) {}

  get releases(): ReleaseReads {
    return (this.#releases ??= sqlReleaseReads(this.all, this.d))
  }

  async getHeads(collection: string, id: string, opts?: { author?: boolean }) {
    const author = opts?.author === true
    const text = statementText(`heads\u0001${this.d.name}\u0001${collection}\u0001${author}`, () =>
      this.d.name === 'sqlite'
        ? `SELECT ${packedRow('h0', 'r.data')}${author ? ', r.author' : ''} FROM galley_heads h0 ${revisionOf('h0', this.d)} WHERE h0.collection = ${literal(collection)} AND h0.id = ?`
        : `${HEADS_WITH_CONTENT(collection, this.d, author)} AND h0.id = ?`,
    )
    const rows = await this.all<StoredHead>(text, [id])
    const heads = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) heads[i] = toHead(rows[i]!, this.d, collection)
    return heads
  }

  async findResolved(q: ResolvedQuery) {
    const { all, d } = this
    const keyed = this.keyedOf(q.collection)
    // A page that is not full tells the total, so most pages need no count. (Asking for one
    // row more would tell it for a page exactly full too, but every full page, the common
    // case of a list, would pay a row it never shows: its lookups, content and string.)
    const select = resolvedSelect(q, d, keyed)
    const { text, params } = select
    if (select.slow) {
      // A read whose time grows with the collection holds up no other request, where the
      // store can: SQLite runs it on another thread (aside), PostgreSQL within a number of
      // such reads at once (limitSlow).
      const away = this.aside?.(select, q.skipCount ? undefined : resolvedCount(q, d, keyed), {
        limit: q.limit,
        offset: q.offset,
      })
      if (away) {
        const { rows, total } = await away
        return pageOf(q, d, rows as StoredHead[], total)
      }
      if (this.limitSlow)
        return this.limitSlow(async () => {
          const found = await all<StoredHead>(text, params)
          const counted = needsCount(q, found.length)
            ? await countRows(all, d, keyed, q)
            : undefined
          return pageOf(q, d, found, counted)
        })
    }
    // The page and its count from one snapshot where the store can (SQLite: one read
    // transaction, so also one take of its read lock instead of two: about 4 µs of system
    // calls on a virtual machine), else one after the other. A read that needs no count
    // (`skipCount`: among others, every lookup that names no more documents than its page
    // holds) runs its one statement alone.
    const now = (q.skipCount ? undefined : this.together)?.((read) => {
      const found = read<StoredHead>(text, params)
      return { found, total: needsCount(q, found.length) ? countNow(read, d, keyed, q) : undefined }
    })
    const found = now ? now.found : await all<StoredHead>(text, params)
    let counted = now?.total
    if (!now && needsCount(q, found.length)) counted = await countRows(all, d, keyed, q)
    return pageOf(q, d, found, counted)
  }

  async countResolved(q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>) {
    const keyed = this.keyedOf(q.collection)
    const count = resolvedCount(q, this.d, keyed)
    if (count.slow) {
      // A count of a filter whose time grows with the collection goes where such finds go
      // (see findResolved): its one row, as a page of one.
      const away = this.aside?.(count, undefined, { limit: 1, offset: 0 })
      if (away) {
        const [row] = (await away).rows as Array<{ n: number | string }>
        return Number(row!.n)
      }
      if (this.limitSlow) return this.limitSlow(() => countBy(this.all, count))
    }
    return countBy(this.all, count)
  }

  async listRevisions(collection: string, id: string, o: { limit: number; offset: number }) {
    const page: [string, unknown[]] = [LIST_REVISIONS(o.limit), [collection, id, o.offset]]
    const count: [string, unknown[]] = [COUNT_REVISIONS, [collection, id]]
    // The page and the total from one snapshot where the store can (see findResolved).
    const now = this.together?.((read) => ({
      rows: read<RawRevision>(...page),
      counted: read<{ n: number | string }>(...count),
    }))
    const rows = now ? now.rows : await this.all<RawRevision>(...page)
    const [c] = now ? now.counted : await this.all<{ n: number | string }>(...count)
    return { rows: rows.map((x) => toRevision(x, this.d)), total: Number(c!.n) }
  }

  async getRevision(collection: string, id: string, revisionId: string) {
    const [r] = await this.all<RawRevision>(GET_REVISION, [collection, id, revisionId])
    return r ? toRevision(r, this.d) : undefined
  }
}

/** The store's reads as a plain object of functions (the store spreads them into itself). */
export function sqlReader(
  all: Query,
  d: SqlDialect,
  keyedOf: KeyedOf,
  together?: Together,
  aside?: ReadAside,
  limitSlow?: LimitSlowReads,
): StorageReader {
  const r = new SqlReads(all, d, keyedOf, together, aside, limitSlow)
  return {
    getHeads: (collection, id, opts) => r.getHeads(collection, id, opts),
    findResolved: (q) => r.findResolved(q),
    countResolved: (q) => r.countResolved(q),
    listRevisions: (collection, id, o) => r.listRevisions(collection, id, o),
    getRevision: (collection, id, revisionId) => r.getRevision(collection, id, revisionId),
    releases: r.releases,
  }
}

/** Whether a page of `found` rows leaves the total unknown: it is full, or past the end. */
function needsCount(q: ResolvedQuery, found: number): boolean {
  return !q.skipCount && (found >= q.limit || (found === 0 && q.offset > 0))
}

/** Heads out of a page's rows, and its total. */
function pageOf(
  q: ResolvedQuery,
  d: SqlDialect,
  found: StoredHead[],
  counted: number | undefined,
): { rows: HeadRow[]; total: number } {
  const n = found.length
  const heads = new Array<HeadRow>(n)
  for (let i = 0; i < n; i++) heads[i] = toHead(found[i]!, d, q.collection)
  // A count read after the page (PostgreSQL; SQLite while a write holds the connection)
  // may miss documents the page showed, when another connection deleted or changed them
  // in between: never fewer than the page shows.
  return { rows: heads, total: Math.max(counted ?? 0, n > 0 ? q.offset + n : 0) }
}

function countNow(
  read: ReadNow,
  d: SqlDialect,
  keyed: KeyedFields,
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
): number {
  const { text, params } = resolvedCount(q, d, keyed)
  return Number(read<{ n: number | string }>(text, params)[0]!.n)
}

async function countRows(
  all: Query,
  d: SqlDialect,
  keyed: KeyedFields,
  q: Omit<ResolvedQuery, 'sort' | 'limit' | 'offset'>,
): Promise<number> {
  return countBy(all, resolvedCount(q, d, keyed))
}

/** Runs a count statement (resolvedCount's). */
async function countBy(all: Query, { text, params }: Statement): Promise<number> {
  const [c] = await all<{ n: number | string }>(text, params)
  return Number(c!.n)
}
