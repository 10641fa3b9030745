import type { Variant } from '@galley/core'
import type {
  ChangeRecord,
  HeadRow,
  ReleaseWrites,
  RevisionRow,
  StorageTransaction,
} from '@galley/core/storage'
import { appendChanges } from './events/change-log'
import { projectKeys } from './keyed-fields'
import type { Query } from './query'
import { sqlReleaseWrites } from './releases/release-store'
import { type SqlDialect, literal } from './sql-dialect'
import { statementText } from './statement-texts'
import { type KeyedOf, SqlReads } from './sql-reader'
import { OPEN_DOCUMENT, contentValue, headsOf, limitLiteral, packedRowValue } from './statements'
import { type StoredHead, toHead } from './stored-rows'

/**
 * The writes of the storage contract, with the reads, each statement run through `all`.
 * `uniqueError` turns a driver's unique-index error into a `UniqueViolation` (or returns
 * the error as it is): a head write reports it at once, so that an engine write inside a
 * larger transaction (a GraphQL mutation document, `galley.transaction`) answers which
 * field clashed, not a database error.
 */
export function sqlTransaction(
  all: Query,
  d: SqlDialect,
  keyedOf: KeyedOf,
  uniqueError: (err: unknown) => unknown = (err) => err,
): StorageTransaction {
  return new SqlWrites(all, d, keyedOf, uniqueError)
}

/** One per transaction; its methods are the class's (see SqlReads). */
class SqlWrites extends SqlReads implements StorageTransaction {
  #releases: ReleaseWrites | undefined

  constructor(
    all: Query,
    d: SqlDialect,
    keyedOf: KeyedOf,
    private readonly uniqueError: (err: unknown) => unknown,
  ) {
    super(all, d, keyedOf)
  }

  override get releases(): ReleaseWrites {
    return (this.#releases ??= sqlReleaseWrites(this.all, this.d))
  }

  /** A head's keyed values as stored. */
  #keysText(h: HeadRow): string {
    return this.d.jsonParam(projectKeys(h.data, this.keyedOf(h.collection))) as string
  }

  async openDocument(collection: string, id: string) {
    const { all, d } = this
    if (d.lockDocument) await all(d.lockDocument, [`${collection}/${id}`])
    // History state and heads in one statement: always one row for the history, joined
    // with each head (none: the head columns are NULL).
    const rows = await all<
      StoredHead & { doc_latest: string | null; doc_revisions: number | string }
    >(openDocumentText(collection, d), [collection, id, id])
    const r = rows[0]
    if (!r || r.doc_latest === null || Number(r.doc_revisions) === 0)
      return { doc: undefined, heads: [] }
    const heads: HeadRow[] = []
    for (const x of rows)
      if ('row' in x ? x.row !== null : x.variant !== null) heads.push(toHead(x, d, collection))
    return { doc: { latestRev: r.doc_latest, revCount: Number(r.doc_revisions) }, heads }
  }

  async deleteDocument(collection: string, id: string) {
    await this.all(`DELETE FROM ${headsOf(collection)} AND id = ?`, [id])
    await this.all('DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ?', [
      collection,
      id,
    ])
  }

  async putHead(h: HeadRow, prev?: HeadRow) {
    try {
      await this.#putHead(h, prev)
    } catch (err) {
      throw this.uniqueError(err)
    }
  }

  async #putHead(h: HeadRow, prev?: HeadRow) {
    const d = this.d
    // The content itself is stored once, with the revision `rev` (see insertRevision).
    if (!prev) {
      const params = [
        h.collection,
        h.id,
        h.variant,
        h.rev,
        h.status,
        d.bool(h.inDrafts),
        this.#keysText(h),
        h.createdAt,
        h.updatedAt,
      ]
      if (d.name === 'sqlite') params.push(h.id, h.rev)
      await this.all(insertHeadText(h.collection, d), params)
      return
    }
    // Only changed columns: an index is rewritten only when a column it covers is set.
    let set = 0
    const params: unknown[] = []
    if (prev.rev !== h.rev) {
      set |= SET_REV
      params.push(h.rev, h.updatedAt)
      if (d.name === 'sqlite') params.push(h.id, h.rev)
      const keys = this.#keysText(h)
      if (keys !== this.#keysText(prev)) {
        set |= SET_KEYS
        params.push(keys)
      }
    }
    if (prev.status !== h.status) {
      set |= SET_STATUS
      params.push(h.status)
    }
    if (prev.inDrafts !== h.inDrafts) {
      set |= SET_IN_DRAFTS
      params.push(d.bool(h.inDrafts))
    }
    if (set === 0) return
    params.push(h.id)
    await this.all(updateHeadText(h.collection, h.variant, set, d), params)
  }

  async deleteHead(collection: string, id: string, variant: Variant) {
    await this.all(deleteHeadText(collection, variant), [id])
  }

  async insertRevision(r: RevisionRow) {
    const d = this.d
    await this.all(
      'INSERT INTO galley_revisions (id, collection, doc_id, variant, action, data, author, autosave, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        r.id,
        r.collection,
        r.docId,
        r.variant,
        r.action,
        r.data === null ? null : d.jsonParam(r.data),
        r.author,
        d.bool(r.autosave),
        r.createdAt,
      ],
    )
  }

  async deleteRevision(collection: string, id: string, revisionId: string) {
    await this.all('DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id = ?', [
      collection,
      id,
      revisionId,
    ])
  }

  async pruneRevisions(collection: string, id: string, count: number, keep: string[]) {
    if (count <= 0) return 0
    const notKept = keep.length ? ` AND id NOT IN (${keep.map(() => '?').join(', ')})` : ''
    const rows = await this.all<{ id: string }>(
      `SELECT id FROM galley_revisions WHERE collection = ? AND doc_id = ?${notKept} ORDER BY id ASC LIMIT ${limitLiteral(count)}`,
      [collection, id, ...keep],
    )
    if (rows.length === 0) return 0
    await this.all(
      `DELETE FROM galley_revisions WHERE collection = ? AND doc_id = ? AND id IN (${rows.map(() => '?').join(', ')})`,
      [collection, id, ...rows.map((r) => r.id)],
    )
    return rows.length
  }

  appendChanges(changes: readonly ChangeRecord[]) {
    return appendChanges(this.all, this.d, changes)
  }
}

/** Columns an UPDATE of a head sets, in the order of its parameters. */
const SET_REV = 1 // rev and updated_at
const SET_KEYS = 2
const SET_STATUS = 4
const SET_IN_DRAFTS = 8

/**
 * The write's first read. On SQLite each head and its content packed into one value (see
 * packedRow; NULL where the document has no head): three values a row for better-sqlite3 to
 * hand over instead of thirteen.
 */
const openDocumentText = (collection: string, d: SqlDialect) =>
  statementText(`open\u0001${d.name}\u0001${collection}`, () =>
    d.name === 'sqlite'
      ? `SELECT dr.latest AS doc_latest, dr.n AS doc_revisions, CASE WHEN h0.id IS NULL THEN NULL ELSE ${packedRowValue('h0', contentValue('h0', d))} END AS row
   FROM (SELECT max(id) AS latest, count(*) AS n FROM galley_revisions WHERE collection = ? AND doc_id = ?) dr
   LEFT JOIN galley_heads h0 ON h0.collection = ${literal(collection)} AND h0.id = ?`
      : OPEN_DOCUMENT(collection, d),
  )

const deleteHeadText = (collection: string, variant: string) =>
  statementText(
    `delete head\u0001${collection}\u0001${variant}`,
    () => `DELETE FROM ${headsOf(collection)} AND variant = ${literal(variant)} AND id = ?`,
  )

/**
 * On SQLite a head keeps the row number of its revision (see revisionKey in statements.ts),
 * looked up as the head is written: the revision is inserted first.
 */
const revSeqOf = (collection: string) =>
  `(SELECT seq FROM galley_revisions WHERE collection = ${literal(collection)} AND doc_id = ? AND id = ?)`

const insertHeadText = (collection: string, d: SqlDialect) =>
  statementText(`insert head\u0001${d.name}\u0001${collection}`, () =>
    d.name === 'sqlite'
      ? `INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at, rev_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${revSeqOf(collection)})`
      : 'INSERT INTO galley_heads (collection, id, variant, rev, status, in_drafts, keys, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )

function updateHeadText(collection: string, variant: string, set: number, d: SqlDialect): string {
  return statementText(
    `update head\u0001${d.name}\u0001${collection}\u0001${variant}\u0001${set}`,
    () => {
      const cols: string[] = []
      if (set & SET_REV) cols.push('rev = ?', 'updated_at = ?')
      if (set & SET_REV && d.name === 'sqlite') cols.push(`rev_seq = ${revSeqOf(collection)}`)
      if (set & SET_KEYS) cols.push('keys = ?')
      if (set & SET_STATUS) cols.push('status = ?')
      if (set & SET_IN_DRAFTS) cols.push('in_drafts = ?')
      return `UPDATE galley_heads SET ${cols.join(', ')} WHERE collection = ${literal(collection)} AND variant = ${literal(variant)} AND id = ?`
    },
  )
}
