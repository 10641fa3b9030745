export { BYPASS_PARAMS, PREVIEW_PARAMS, SECRET_PARAMS } from './preview-params'
export { parsePreviewPerspective, serializePreviewPerspective } from './preview-perspective'
export type { PreviewPerspective } from './preview-perspective'
export { sanitizeRedirect } from './sanitize-redirect'
export { validatePreviewUrl } from './validate-preview-url'
export type {
  PreviewSecretValidation,
  PreviewUrlRejection,
  PreviewUrlValidation,
  PreviewValidationClient,
} from './validate-preview-url'
export { constantTimeEqual, createCookieSigner } from './cookie-signer'
export type { CookieSecret, CookieSigner, DraftCookiePayload } from './cookie-signer'
export { createDraftMode } from './create-draft-mode'
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
