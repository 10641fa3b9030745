import { encodeBase64url } from './base64url'
import { PREVIEW_PARAMS } from './preview-params'
import { parsePreviewPerspective, previewPerspectiveProblem } from './preview-perspective'

/**
 * A fresh preview secret: 32 bytes from WebCrypto as base64url (43 characters). Store only its
 * {@link hashPreviewSecret | hash}.
 *
 * @example
 * const secret = generatePreviewSecret()
 */
export function generatePreviewSecret(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)))
}

/**
 * SHA-256 of a preview secret as lower-case hex: what the server keeps at rest and looks up.
 *
 * @example
 * await hashPreviewSecret(secret) // '9f86d0…'
 */
export async function hashPreviewSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** What {@link buildPreviewUrl} puts into the frontend's enable URL. */
export interface PreviewUrlParts {
  /** The frontend's enable route, e.g. `https://site.example/api/draft-mode/enable`. */
  enableUrl: string
  secret: string
  /** The page to land on, e.g. `/blog/hello`. */
  pathname?: string
  /** A preview perspective as a string or list; the URL gets its canonical spelling. */
  perspective?: string | readonly string[]
}

/**
 * The URL the Studio opens to start a preview.
 *
 * @example
 * buildPreviewUrl({ enableUrl: 'https://site.example/api/draft-mode/enable', secret, pathname: '/blog/x' })
 */
export function buildPreviewUrl(parts: PreviewUrlParts): string {
  const url = new URL(parts.enableUrl)
  url.searchParams.set(PREVIEW_PARAMS.secret, parts.secret)
  if (parts.pathname) url.searchParams.set(PREVIEW_PARAMS.pathname, parts.pathname)
  if (parts.perspective !== undefined) {
    const perspective = parsePreviewPerspective(parts.perspective)
    if (perspective === null) throw new TypeError(previewPerspectiveProblem(parts.perspective)!)
    url.searchParams.set(PREVIEW_PARAMS.perspective, perspective)
  }
  return url.href
}
