import { type Caller, callerOf } from '../access/access'
import type { CallerArgs } from '../documents/galley-types'
import type { Galley } from '../documents/galley'
import { ConfigError, ConflictError, NotFoundError } from '../errors'
import { isReleaseId } from '../perspectives/perspective'
import type { StorageTransaction } from '../storage/storage-adapter'
import type { ReleaseReads, ReleaseRow, ReleaseWrites } from './release-storage'

/** The engine and the caller a releases call runs for. */
export interface ReleaseCall {
  galley: Galley
  caller: Caller
}

export function callOf(galley: Galley, args: CallerArgs): ReleaseCall {
  return { galley, caller: callerOf(args) }
}

/** The store's release reads, or a `ConfigError` when the store keeps none. */
export function readsOf(galley: Galley): ReleaseReads {
  const r = galley.config.storage.releases
  if (!r) throw new ConfigError(`The store '${galley.config.storage.name}' keeps no releases.`)
  return r
}

/** The release writes of a transaction. */
export function writesOf(tx: StorageTransaction): ReleaseWrites {
  if (!tx.releases) throw new ConfigError('This store keeps no releases.')
  return tx.releases
}

/** The release, or a `NotFoundError`. */
export async function requireRelease(r: ReleaseReads, id: unknown): Promise<ReleaseRow> {
  // Only a well-formed id reaches the store (no NUL, quote or separator ever does).
  const row = isReleaseId(id) ? await r.getRelease(id) : undefined
  if (!row)
    throw new NotFoundError(`Release ${JSON.stringify(String(id)).slice(0, 80)} does not exist.`)
  return row
}

/** A `ConflictError` unless the release is still open for changes (active or scheduled). */
export function requireOpen(row: ReleaseRow, what: string): void {
  if (row.state === 'published' || row.state === 'archived')
    throw new ConflictError(`Release ${row.id} is ${row.state}, so it cannot ${what}.`, null)
}
