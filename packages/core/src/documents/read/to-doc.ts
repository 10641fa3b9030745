import type { HeadRow } from '../../storage/storage-adapter'
import type { MatchTarget } from '../../where/match-where'
import type { GalleyDoc } from '../galley-types'

/** Turn a stored head into the public document shape. */
export function toDoc(row: HeadRow): GalleyDoc {
  // Object.assign, not a spread: V8 copies into a fresh literal faster this way, and every
  // read goes through here. Safe because stored top-level keys are field names, which
  // start with a letter (so never `__proto__`).
  return Object.assign({}, row.data, {
    id: row.id,
    _status: row.status,
    _variant: row.variant,
    _rev: row.rev,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }) as GalleyDoc
}

/**
 * The document shape of reads in a perspective other than `published` (drafts, raw,
 * releases): also `updatedBy`, who wrote the content shown (a user id, or null). Never in
 * published reads, which are public and cached.
 */
export function toDocWithAuthor(row: HeadRow): GalleyDoc {
  return Object.assign({}, row.data, {
    id: row.id,
    _status: row.status,
    _variant: row.variant,
    _rev: row.rev,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    updatedBy: row.author ?? null,
  }) as GalleyDoc
}

/**
 * `toDoc` for a row read just now, whose content object nothing else holds (a store builds
 * it for each read, see `StorageReader`): the content becomes the document, with the same
 * keys in the same order as `toDoc` gives, instead of being copied into a new object.
 * Copying was a tenth of the instructions of a page of twenty documents.
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

/** `toDocWithAuthor` for a row read just now (see `adoptDoc`). */
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
