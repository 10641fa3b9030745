import type { Variant } from '../../perspectives/perspective'
import type {
  DocumentState,
  RevisionAction,
  StorageTransaction,
} from '../../storage/storage-adapter'
import type { EngineState } from '../engine-state'
import type { HeadMap } from '../heads'

/** The document a write has locked: its history state and its variants. */
export interface WriteState {
  tx: StorageTransaction
  /** The engine bound to the write's transaction (hooks get its `api`). */
  state: EngineState
  id: string
  doc: DocumentState | undefined
  heads: HeadMap
  /** When the document was created (its heads' creation time), for rules that match on it. */
  createdAt: string | undefined
}

/** What an operation decides to write: one revision, applied with `applyRevision`. */
export interface WritePlan {
  action: RevisionAction
  variant: Variant
  data: Record<string, unknown> | null
  hook: 'create' | 'update' | 'publish' | 'unpublish' | 'discardDraft' | 'restore'
  autosave?: boolean
}

/** An operation's decision: a plan, or null when there is nothing to write. */
export type Planner = (w: WriteState) => Promise<WritePlan | null>
