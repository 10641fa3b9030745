import type { SanitizedCollection } from '../../config/config-types'
import type { HeadRow, StorageTransaction } from '../../storage/storage-adapter'
import { type HeadMap, statusOf } from '../heads'

/** Bring stored heads in line with `next`, touching only rows that changed. */
export async function storeHeads(
  tx: StorageTransaction,
  coll: SanitizedCollection,
  id: string,
  createdAt: string,
  old: HeadRow[],
  next: HeadMap,
): Promise<void> {
  const status = statusOf(next)
  const oldBy = new Map(old.map((h) => [h.variant, h]))
  for (const h of old) if (!next.has(h.variant)) await tx.deleteHead(coll.storageKey, id, h.variant)
  const rows: Array<[HeadRow, HeadRow | undefined]> = []
  for (const [variant, h] of next) {
    const inDrafts = variant === 'draft' || (variant === 'published' && !next.has('draft'))
    const prev = oldBy.get(variant)
    if (prev && prev.rev === h.rev && prev.status === status && prev.inDrafts === inDrafts) continue
    rows.push([
      {
        collection: coll.storageKey,
        id,
        variant,
        rev: h.rev,
        status,
        inDrafts,
        data: h.data,
        createdAt,
        updatedAt: h.updatedAt,
      },
      prev,
    ])
  }
  // Rows leaving the drafts view go first so a unique index on it never sees two.
  rows.sort(([a], [b]) => Number(a.inDrafts) - Number(b.inDrafts))
  for (const [row, prev] of rows) await tx.putHead(row, prev)
}

/** Heads as stored rows become the map `applyRevision` works on. */
export function headMapOf(rows: HeadRow[]): HeadMap {
  return new Map(rows.map((h) => [h.variant, { rev: h.rev, data: h.data, updatedAt: h.updatedAt }]))
}
