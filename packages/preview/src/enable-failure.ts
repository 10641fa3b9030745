import type { PreviewUrlRejection } from './validate-preview-url'

/**
 * Why the enable route refused, as its answer (`Galley-Preview-Error` header) and its log
 * line name it. Never derived from the secret.
 */
export type EnableFailureCause =
  | PreviewUrlRejection
  | 'path-not-found'
  | 'no-token'
  | 'token-refused'
  | 'token-lacks-scope'
  | 'unreachable'
  | 'server-error'
  | 'rate-limited'

/** A refused enable: the status and message to answer, and what to log with them. */
export interface EnableFailure {
  cause: EnableFailureCause
  status: number
  /** Plain text for the editor who opened the link; says what to do. */
  message: string
  /** For the log only: the Galley server's status and error codes, never free text. */
  detail: string
  /** `error` when the site is misconfigured or the server failed, `warn` for a bad link. */
  level: 'warn' | 'error'
}

const AGAIN = 'Open the preview from the Studio again.'

const FAILURES: Record<EnableFailureCause, Omit<EnableFailure, 'cause' | 'detail'>> = {
  'missing-secret': {
    status: 401,
    level: 'warn',
    message: `Invalid or expired preview secret: the link carries none (galley-preview-secret). ${AGAIN}`,
  },
  'invalid-secret': {
    status: 401,
    level: 'warn',
    message: `Invalid or expired preview secret: the Galley server does not know it, or it was revoked, used up or has expired. ${AGAIN}`,
  },
  'expired-secret': {
    status: 401,
    level: 'warn',
    message: `Invalid or expired preview secret: it has expired. ${AGAIN}`,
  },
  'invalid-perspective': {
    status: 400,
    level: 'warn',
    message:
      "This preview asks for a perspective a preview cannot show: use 'drafts', 'published' or a release stack such as 'spring,drafts' (never 'raw').",
  },
  'invalid-answer': {
    status: 502,
    level: 'error',
    message:
      'The Galley server answered the validation with a malformed grant: check that the Galley server and @galley/preview are versions that belong together.',
  },
  'path-not-found': {
    status: 404,
    level: 'warn',
    message: 'Not found: nothing to preview at this path.',
  },
  'no-token': {
    status: 500,
    level: 'error',
    message:
      'Preview is not set up on this site: its Galley client has no token. Give it a server-side token with the read:drafts scope (galley token create --name site --scope read:drafts).',
  },
  'token-refused': {
    status: 502,
    level: 'error',
    message:
      "The Galley server refused this site's token (unknown, revoked or expired): create a new one with the read:drafts scope and configure the site with it.",
  },
  'token-lacks-scope': {
    status: 502,
    level: 'error',
    message:
      "The Galley server refused this site's token: it may not validate preview secrets. Use a token with the read:drafts scope (galley token create --name site --scope read:drafts).",
  },
  unreachable: {
    status: 502,
    level: 'error',
    message:
      'Could not reach the Galley server to validate the preview secret: check the URL the site uses for it and that the server is running.',
  },
  'server-error': {
    status: 502,
    level: 'error',
    message:
      'The Galley server could not validate the preview secret: see the status in this site’s log and the Galley server’s own log.',
  },
  'rate-limited': {
    status: 429,
    level: 'warn',
    message: 'Too many wrong preview secrets were tried; wait a while and retry.',
  },
}

/** The failure for a cause, with an optional log-only detail. */
export function enableFailure(cause: EnableFailureCause, detail = ''): EnableFailure {
  return { cause, detail, ...FAILURES[cause] }
}

/**
 * What an error thrown while asking the Galley server means. Read from its `status` and
 * `code` (`@galley/client`'s `GalleyClientError`, or anything shaped like it); its message
 * is never used, since a client's message may quote the request and so the secret.
 */
export function failureOfError(error: unknown): EnableFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown
    code?: unknown
  }
  const status = typeof e.status === 'number' ? e.status : 0
  const codes = safeCodes(error)
  const detail = [status > 0 ? `HTTP ${status}` : '', ...codes].filter(Boolean).join(', ')
  if (codes[0] === 'TOKEN_MISSING') return enableFailure('no-token', detail)
  if (status === 401) return enableFailure('token-refused', detail)
  if (status === 403) return enableFailure('token-lacks-scope', detail)
  if (status === 429) return enableFailure('rate-limited', detail)
  if (status === 0) return enableFailure('unreachable', detail || 'no answer')
  return enableFailure('server-error', detail)
}

/** Error codes along the `cause` chain (`NETWORK_ERROR`, `ECONNREFUSED` …), only code-shaped ones. */
function safeCodes(error: unknown): string[] {
  const codes: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) codes.push(code)
    current = (current as { cause?: unknown }).cause
  }
  return codes
}
