import { isGrantId } from './cookie-signer'
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
  /**
   * The id of the grant (secret or shared link) behind the session; reads for the session
   * send it back so the server can end them when the grant is revoked. Absent: no such check.
   */
  grant?: string | null
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

/**
 * Why a preview URL was refused; safe to log (it never contains the secret).
 * `invalid-perspective`: the server's answer, or the URL's `galley-preview-perspective`, is
 * not a preview perspective in its one canonical spelling (e.g. `raw`, `' drafts'`);
 * `invalid-answer`: the server's answer names a malformed grant.
 */
export type PreviewUrlRejection =
  'missing-secret' | 'invalid-secret' | 'expired-secret' | 'invalid-perspective' | 'invalid-answer'

/** The outcome of {@link validatePreviewUrl}. */
export type PreviewUrlValidation =
  | {
      isValid: true
      /** Sanitised same-origin path + query + hash, secret parameters stripped. */
      redirectTo: string
      perspective: PreviewPerspective
      expiresAt: Date
      /** The grant to send with the session's reads, or null when the server named none. */
      grant: string | null
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
 * `galley-preview-perspective`, which is only a fallback (then `drafts`); either must be a
 * preview perspective in its canonical spelling (never `raw`), else the URL is refused.
 * Errors reaching the server (network, a rejected frontend token) are thrown, not reported
 * as an invalid secret.
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

  // What the server bound to the secret wins; a spelling it should never send is refused,
  // not replaced by a guess.
  const fallback = parsed.searchParams.get(PREVIEW_PARAMS.perspective)
  const given = answer.perspective ?? fallback
  const perspective = given == null ? DEFAULT_PERSPECTIVE : parsePreviewPerspective(given)
  // The canonical spelling itself, not one that reads as it ('drafts,published', a list):
  // a Galley server sends nothing else, so anything else is not from one.
  if (perspective === null || (given != null && perspective !== given))
    return rejected('invalid-perspective')
  const grant = answer.grant ?? null
  if (grant !== null && !isGrantId(grant)) return rejected('invalid-answer')

  const path = sanitizeRedirect(
    parsed.searchParams.get(PREVIEW_PARAMS.pathname) ?? '/',
    parsed.origin,
  )
  return {
    isValid: true,
    redirectTo: withBypassParams(path, parsed, parsed.origin),
    perspective,
    expiresAt,
    grant,
  }
}

function rejected(reason: PreviewUrlRejection): PreviewUrlValidation {
  return { isValid: false, redirectTo: undefined, perspective: undefined, reason }
}
