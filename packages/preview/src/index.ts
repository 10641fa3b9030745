export { BYPASS_PARAMS, PREVIEW_PARAMS, SECRET_PARAMS } from './preview-params'
export {
  parsePreviewPerspective,
  previewPerspectiveProblem,
  serializePreviewPerspective,
} from './preview-perspective'
export type { PreviewPerspective } from './preview-perspective'
export { sanitizeRedirect } from './sanitize-redirect'
export { validatePreviewUrl } from './validate-preview-url'
export type {
  PreviewSecretValidation,
  PreviewUrlRejection,
  PreviewUrlValidation,
  PreviewValidationClient,
} from './validate-preview-url'
export { constantTimeEqual, createCookieSigner, isGrantId } from './cookie-signer'
export type { CookieSecret, CookieSigner, DraftCookiePayload } from './cookie-signer'
export { createDraftMode, isPreviewEnded } from './create-draft-mode'
export type { EnableFailureCause } from './enable-failure'
export type {
  DraftMode,
  DraftModeOptions,
  DraftModeState,
  ResolvePath,
  ResolvePathParams,
} from './create-draft-mode'
export type { VisitorRateLimit } from './visitor-limiter'
export { buildPreviewUrl, generatePreviewSecret, hashPreviewSecret } from './preview-secret'
export type { PreviewUrlParts } from './preview-secret'
