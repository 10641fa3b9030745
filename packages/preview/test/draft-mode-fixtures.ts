import { fakeValidationClient, inSeconds, KEY_A } from './fake-validation-client'
import { createDraftMode } from '../src/create-draft-mode'

// Fixtures shared by the createDraftMode test files.
export const SITE = 'https://site.test'
export const SILENT = { warn() {}, error() {} }
export const SECRET = 'VERY-SECRET-VALUE-123'

export function setup(extra: Partial<Parameters<typeof createDraftMode>[0]> = {}) {
  const client = fakeValidationClient({
    [SECRET]: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(3600) },
    stacked: { isValid: true, perspective: 'spring,drafts', expiresAt: inSeconds(3600) },
    'stale-secret-xyz': { isValid: true, perspective: 'drafts', expiresAt: inSeconds(-5) },
  })
  const draftMode = createDraftMode({ client, cookieSecret: KEY_A, logger: SILENT, ...extra })
  return { client, draftMode }
}

export const enableUrl = (secret: string, pathname = '/blog/hello', extra = '') =>
  `${SITE}/api/draft-mode/enable?galley-preview-secret=${encodeURIComponent(secret)}` +
  `&galley-preview-pathname=${encodeURIComponent(pathname)}${extra}`

/** The `name=value` part of the response's first Set-Cookie, as a browser would send it back. */
export function cookieFrom(response: Response): string {
  const [setCookie] = response.headers.getSetCookie()
  return setCookie.split(';')[0]
}
