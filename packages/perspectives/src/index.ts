export {
  canonicalPerspective,
  isReleaseId,
  MAX_STACK_ENTRIES,
  needsDraftAccess,
  parsePerspective,
  PERSPECTIVE_NAMES,
  perspectiveKey,
  RELEASE_ID_PATTERN,
} from './parse-perspective'
export type {
  ParsedPerspective,
  ParsePerspectiveOptions,
  PerspectiveName,
  PerspectiveParse,
  ResolvedPerspective,
  Variant,
} from './parse-perspective'
