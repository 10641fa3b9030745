import type { SanitizedCollection, SanitizedConfig } from '../config/config-types'
import { NotFoundError } from '../errors'
import type { DocStatus, StorageReader, StorageTransaction } from '../storage/storage-adapter'
import type { GalleyContext } from './galley-types'

/** A committed change, as `subscribe` listeners receive it. */
export interface ChangeEvent {
  kind: 'collection' | 'global'
  collection: string
  id: string
  operation: 'create' | 'update' | 'publish' | 'unpublish' | 'discardDraft' | 'restore' | 'delete'
  /** Whether what the public sees changed (published content written, removed or replaced). */
  published: boolean
  status: DocStatus | null
  /** The revision written; none for a delete. */
  rev?: string
}

export type ChangeListener = (event: ChangeEvent) => void

/**
 * What every operation runs on: the config, the transaction it is bound to (if any), the
 * changes to announce once that transaction commits, and the Local API over this state,
 * which hooks receive so that their writes join the same transaction.
 */
export interface EngineState {
  readonly config: SanitizedConfig
  readonly tx: StorageTransaction | undefined
  /** Changes of the running transaction, announced once it commits. */
  readonly pending: ChangeEvent[] | undefined
  readonly listeners: Set<ChangeListener>
  readonly api: GalleyContext
  /** The same engine bound to transaction `tx`. */
  bind(tx: StorageTransaction, pending: ChangeEvent[]): EngineState
}

/** Reads go to the running transaction, else to the store. */
export function readerOf(s: EngineState): StorageReader {
  return s.tx ?? s.config.storage
}

/**
 * Run `fn` in a transaction: the running one, or a new one whose changes reach the
 * listeners after it commits (never after a rollback).
 */
export async function inTransaction<X>(
  s: EngineState,
  fn: (tx: StorageTransaction, inner: EngineState) => Promise<X>,
): Promise<X> {
  if (s.tx) return fn(s.tx, s)
  const pending: ChangeEvent[] = []
  const result = await s.config.storage.transaction(async (tx) => {
    const value = await fn(tx, s.bind(tx, pending))
    // In the same transaction: the feed holds a change exactly when it committed.
    if (pending.length && tx.appendChanges) await tx.appendChanges(pending)
    return value
  })
  for (const event of pending) {
    for (const listener of s.listeners) {
      try {
        listener(event)
      } catch (err) {
        // A listener's failure must not turn a committed write into an error for the caller.
        console.error('[galley] change listener failed', err)
      }
    }
  }
  return result
}

/** Queue a change of the running transaction for the listeners. */
export function announce(s: EngineState, event: ChangeEvent): void {
  s.pending?.push(event)
}

/** The sanitised collection, or a `NotFoundError` listing the known ones. */
export function collectionOf(config: SanitizedConfig, slug: string): SanitizedCollection {
  const c = typeof slug === 'string' ? config.collections.get(slug) : undefined
  if (!c)
    throw new NotFoundError(
      `Unknown collection ${JSON.stringify(slug)}. Known: ${[...config.collections.keys()].join(', ') || 'none'}.`,
    )
  return c
}

/** The sanitised global, or a `NotFoundError` listing the known ones. */
export function globalOf(config: SanitizedConfig, slug: string): SanitizedCollection {
  const g = typeof slug === 'string' ? config.globals.get(slug) : undefined
  if (!g)
    throw new NotFoundError(
      `Unknown global ${JSON.stringify(slug)}. Known: ${[...config.globals.keys()].join(', ') || 'none'}.`,
    )
  return g
}
