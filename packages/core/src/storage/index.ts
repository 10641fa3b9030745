/**
 * `@galley/core/storage`: the contract a store implements, for store authors. The stores
 * receive parsed where trees, resolved perspectives and sort specs; these helpers parse,
 * match and replay them the way the engine does, so a store can be tested against it.
 * @example import { type StorageAdapter, UniqueViolation } from '@galley/core/storage'
 */
export { UniqueViolation } from './storage-adapter'
export { readLimitSharedPerTurn } from './read-limits'
export type {
  CollectionStorageSpec,
  DocStatus,
  DocumentState,
  HeadRow,
  ResolvedQuery,
  RevisionAction,
  RevisionRow,
  SortSpec,
  StorageAdapter,
  StorageReader,
  StorageTransaction,
} from './storage-adapter'
export type { ResolvedPerspective, Variant } from '../perspectives/perspective'
export type { ChangeFeed, ChangeRecord, FeedEntry } from './change-feed'
export type * from '../releases/release-storage'
export { parseWhere, WHERE_LIMITS } from '../where/parse-where'
export {
  arrayScans,
  groupBranches,
  groupOr,
  orBranchGuard,
  sharedBranch,
} from '../where/where-cost'
export type { OrEntry, SharedCondition } from '../where/where-cost'
export { matchWhere, likeWords } from '../where/match-where'
export { foldText } from '../where/fold-text'
export { collectFieldPaths } from '../where/field-paths'
export type { FieldPathInfo } from '../where/field-paths'
export type {
  PathStep,
  ValueKind,
  WhereCondition,
  WhereGroup,
  WhereNode,
} from '../where/where-types'
export { parseSort } from '../documents/query-args'
export { applyRevision, replayRevisions, statusOf } from '../documents/heads'
export type { HeadMap } from '../documents/heads'
