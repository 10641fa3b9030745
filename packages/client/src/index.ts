export { createClient, isPreviewEnded, PREVIEW_GRANT_HEADER } from './create-client'
export type { ClientConfig } from './client-config'
export type {
  DocumentMeta,
  DocumentTypes,
  FindOneOptions,
  FindOptions,
  GalleyClient,
  PaginatedDocs,
  PreviewSecretAnswer,
} from './create-client'
export {
  isPublishedPerspective,
  serializePerspective,
  validatePerspective,
} from './client-perspective'
export type { ClientPerspective, ReleaseId } from './client-perspective'
export type { Where, WhereOperator, WhereValue } from './encode-query'
export { GalleyClientError } from './galley-client-error'
export type { ClientFieldError } from './galley-client-error'
export { defaultStegaFilter, stegaEncode } from './stega/stega-encode'
export type {
  StegaConfig,
  StegaFilter,
  StegaFilterContext,
  StegaSource,
} from './stega/stega-encode'
export { vercelStegaClean as stegaClean } from '@vercel/stega'
