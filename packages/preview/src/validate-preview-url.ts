import { PREVIEW_PARAMS } from './preview-params'
import { parsePreviewPerspective, type PreviewPerspective } from './preview-perspective'
import { sanitizeRedirect, withBypassParams } from './sanitize-redirect'

/** What the Galley server answers to `POST /api/preview/validate`. */
export interface PreviewSecretValidation {
  isValid: boolean
  /** The perspective the secret is bound to: a name, a comma-separated stack, or an array. */
  perspective?: string | readonly string[] | null
  /** ISO 8601 time after which the secret (and so the draft-mode cookie) is dead. */
  expiresAt?: string | null
}

/**
 * The one thing draft mode needs from a Galley client: asking the server whether a preview
 * secret is good, with the frontend's own token. `@galley/client`'s client fits; so does a
 * plain object in a test.
 *
 * @example
 * const client: PreviewValidationClient = {
 *   validatePreviewSecret: async (secret) => ({ isValid: false }),
 * }
 */
export interface PreviewValidationClient {
  validatePreviewSecret(secret: string): Promise<PreviewSecretValidation>
}

/** Why a preview URL was refused; safe to log (it never contains the secret). */
export type PreviewUrlRejection = 'missing-secret' | 'invalid-secret' | 'expired-secret'

/** The outcome of {@link validatePreviewUrl}. */
export type PreviewUrlValidation =
  | {
      isValid: true
      /** Sanitised same-origin path + query + hash, secret parameters stripped. */
      redirectTo: string
      perspective: PreviewPerspective
      expiresAt: Date
    }
  | {
      isValid: false
      redirectTo: undefined
      perspective: undefined
      reason: PreviewUrlRejection
    }

const DEFAULT_PERSPECTIVE: PreviewPerspective = 'drafts'

/**
 * Checks a preview URL's `galley-preview-secret` with the Galley server and works out where
 * to send the editor. The perspective the server bound to the secret wins over the URL's
 * `galley-preview-perspective`, which is only a fallback (then `drafts`). Errors reaching the
 * server (network, a rejected frontend token) are thrown, not reported as an invalid secret.
 *
 * @example
 * const { isValid, redirectTo, perspective } = await validatePreviewUrl(client, request.url)
 */
export async function validatePreviewUrl(
  client: PreviewValidationClient,
  url: string | URL,
): Promise<PreviewUrlValidation> {
  const parsed = new URL(url)
  const secret = parsed.searchParams.get(PREVIEW_PARAMS.secret)
  if (!secret) return rejected('missing-secret')

  const answer = await client.validatePreviewSecret(secret)
  if (!answer || answer.isValid !== true) return rejected('invalid-secret')

  // The cookie lives exactly as long as the secret, so a secret without a usable expiry
  // cannot enable draft mode.
  const expiresAt = typeof answer.expiresAt === 'string' ? new Date(answer.expiresAt) : null
  if (!expiresAt || Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
    return rejected('expired-secret')
  }

  const perspective =
    parsePreviewPerspective(answer.perspective) ??
    parsePreviewPerspective(parsed.searchParams.get(PREVIEW_PARAMS.perspective)) ??
    DEFAULT_PERSPECTIVE

  const path = sanitizeRedirect(
    parsed.searchParams.get(PREVIEW_PARAMS.pathname) ?? '/',
    parsed.origin,
  )
  return {
    isValid: true,
    redirectTo: withBypassParams(path, parsed, parsed.origin),
    perspective,
    expiresAt,
  }
}

function rejected(reason: PreviewUrlRejection): PreviewUrlValidation {
  return { isValid: false, redirectTo: undefined, perspective: undefined, reason }
}
