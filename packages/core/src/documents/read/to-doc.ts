import type { HeadRow } from '../../storage/storage-adapter'
import type { MatchTarget } from '../../where/match-where'
import type { GalleyDoc } from '../galley-types'

/** Turn a stored head into the public document shape (a new object; `row` is left as it was). */
export function toDoc(row: HeadRow): GalleyDoc {
  return adoptDoc(copyOfRow(row))
}

/** `row` with a copy of its content, for `adoptDoc` to take over without touching `row`'s. */
export function copyOfRow(row: HeadRow): HeadRow {
  return { ...row, data: { ...row.data } }
}

/**
 * `toDoc` for a row read just now, whose content object nothing else holds (a store builds
 * it for each read, see `StorageReader`): the content becomes the document, instead of
 * being copied into a new object (copying was a tenth of the instructions of a page of
 * twenty documents). Stored top-level keys are field names, which start with a letter, so
 * none of these collides with `__proto__`.
 */
export function adoptDoc(row: HeadRow): GalleyDoc {
  const doc = row.data as Record<string, unknown>
  doc.id = row.id
  doc._status = row.status
  doc._variant = row.variant
  doc._rev = row.rev
  doc.createdAt = row.createdAt
  doc.updatedAt = row.updatedAt
  return doc as GalleyDoc
}

/**
 * The document shape of reads in a perspective other than `published` (drafts, raw,
 * releases): also `updatedBy`, who wrote the content shown (a user id, or null). Never in
 * published reads, which are public and cached. Takes over the row's content (see `adoptDoc`).
 */
export function adoptDocWithAuthor(row: HeadRow): GalleyDoc {
  const doc = adoptDoc(row) as Record<string, unknown>
  doc.updatedBy = row.author ?? null
  return doc as GalleyDoc
}

/**
 * What access constraints and `matchWhere` test of a stored head. The variant goes along
 * so that `_status` matches the returned content (`matchStatus`), as the SQL stores do.
 */
export function matchTarget(row: HeadRow): MatchTarget {
  return {
    id: row.id,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    status: row.status,
    variant: row.variant,
    data: row.data,
  }
}
