/**
 * The query parameters of a preview URL. The secret ones are stripped before any redirect.
 *
 * @example
 * url.searchParams.set(PREVIEW_PARAMS.secret, secret)
 */
export const PREVIEW_PARAMS = Object.freeze({
  secret: 'galley-preview-secret',
  pathname: 'galley-preview-pathname',
  perspective: 'galley-preview-perspective',
} as const)

/** Parameters that carry or describe the preview secret; never forwarded to the target. */
export const SECRET_PARAMS: readonly string[] = Object.freeze(Object.values(PREVIEW_PARAMS))

/**
 * Vercel Deployment Protection parameters: carried from the enable URL to the redirect so a
 * protected preview deployment lets the editor through.
 */
export const BYPASS_PARAMS: readonly string[] = Object.freeze([
  'x-vercel-protection-bypass',
  'x-vercel-set-bypass-cookie',
])
