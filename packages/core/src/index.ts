// The user API of Galley's engine. The storage contract, for store authors, is the
// subpath `@galley/core/storage` (src/storage/index.ts).
export { defineConfig } from './config/sanitize-config'
export type {
  Config,
  CollectionConfig,
  GlobalConfig,
  PreviewPath,
  VersionsConfig,
  SanitizedCollection,
  SanitizedConfig,
} from './config/config-types'
export type {
  Field,
  FieldType,
  AccessConfig,
  AccessFn,
  AccessArgs,
  AccessRequest,
  AccessResult,
  AccessOperation,
  ValidateArgs,
} from './fields/field-types'
export type {
  HookConfig,
  ChangeHookArgs,
  AfterChangeArgs,
  AfterDeleteArgs,
} from './hooks/hook-types'
export { createGalley, Galley } from './documents/galley'
export type { ChangeEvent, ChangeListener } from './documents/galley'
export type * from './documents/galley-types'
// The bounds and shape of every list answer, for servers that list other things (releases).
export { parsePaging } from './documents/query-args'
export { pageOf } from './documents/read/find'
export {
  GalleyError,
  ConfigError,
  QueryError,
  InputError,
  ValidationError,
  NotFoundError,
  ForbiddenError,
  ConflictError,
  StoreBusyError,
  QueryTimeoutError,
} from './errors'
export type { GalleyErrorCode, FieldError } from './errors'
export { resolvePerspective } from './perspectives/perspective'
export type { Perspective, ResolvedPerspective, Variant } from './perspectives/perspective'
export { WHERE_LIMITS } from './where/parse-where'
export { shareReadLimitPerTurn } from './storage/read-limits'
export { WHERE_OPERATORS } from './where/where-types'
export type { Where, WhereOperator } from './where/where-types'
/** The type of `Config.storage`; to implement a store, see `@galley/core/storage`. */
export type { StorageAdapter, DocStatus } from './storage/storage-adapter'
export { isValidId } from './ids'
export { decideAccess, requireAccess } from './access/access'
export type { Caller, AccessDecision } from './access/access'
export * from './releases/index'
