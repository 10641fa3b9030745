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
export { defaultStegaFilter, stegaEncode, stegaMark } from './stega/stega-encode'
export type { StegaConfig, StegaFilter, StegaFilterContext } from './stega/stega-encode'
export { parseStegaRef, stegaRef } from './stega/stega-ref'
export type { StegaSource, StegaSourceEntry } from './stega/stega-ref'
export {
  stegaClean,
  stegaDecode,
  stegaDecodeAll,
  stegaEqual,
  stegaSplit,
} from './stega/stega-decode'
export type { StegaMark } from './stega/stega-decode'
export { proxyChangeStream } from './events/proxy-change-stream'
export type { ProxyChangeStreamOptions } from './events/proxy-change-stream'
export { subscribeToChanges } from './events/subscribe-changes'
export type {
  ChangeOperation,
  ChangeSubscription,
  GalleyChange,
  SubscribeOptions,
} from './events/subscribe-changes'
