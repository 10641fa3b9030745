export { defineConfig, sanitizeConfig } from './config/sanitize-config'
export type {
  Config,
  CollectionConfig,
  GlobalConfig,
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
export { createGalley, Galley, toDoc } from './documents/galley'
export type { ChangeEvent, ChangeListener } from './documents/galley'
export type * from './documents/galley-types'
export { applyRevision, replayRevisions, statusOf } from './documents/heads'
export type { HeadMap } from './documents/heads'
export {
  GalleyError,
  ConfigError,
  QueryError,
  InputError,
  ValidationError,
  NotFoundError,
  ForbiddenError,
  ConflictError,
} from './errors'
export type { GalleyErrorCode, FieldError } from './errors'
export {
  resolvePerspective,
  needsDraftAccess,
  perspectiveKey,
  PERSPECTIVE_NAMES,
} from './perspectives/perspective'
export type { Perspective, ResolvedPerspective, Variant } from './perspectives/perspective'
export { parseWhere, andNodes, WHERE_LIMITS } from './where/parse-where'
export { matchWhere, likeWords } from './where/match-where'
export { collectFieldPaths, COLUMN_PATHS } from './where/field-paths'
export type { FieldPathInfo } from './where/field-paths'
export { WHERE_OPERATORS } from './where/where-types'
export type {
  Where,
  WhereNode,
  WhereCondition,
  WhereGroup,
  WhereOperator,
  PathStep,
  ValueKind,
} from './where/where-types'
export { UniqueViolation } from './storage/storage-adapter'
export type * from './storage/storage-adapter'
export { newId, isValidId } from './ids'
export { decideAccess, requireAccess } from './access/access'
export type { Caller, AccessDecision } from './access/access'
export {
  parseSort,
  parsePaging,
  parseDepth,
  MAX_LIMIT,
  DEFAULT_LIMIT,
} from './documents/query-args'
