import {
  ConflictError,
  ForbiddenError,
  GalleyError,
  StoreBusyError,
  ValidationError,
} from '@galley/core'

/** 401: no (valid) credentials for something that needs them. */
export class UnauthorizedError extends GalleyError {
  constructor(message: string) {
    super('UNAUTHORIZED', 401, message)
    this.name = 'UnauthorizedError'
  }
}

/** 413: the body is larger than `maxBodyBytes`. */
export class PayloadTooLargeError extends GalleyError {
  constructor(limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      413,
      `The request body is larger than ${limit} bytes; send less data.`,
    )
    this.name = 'PayloadTooLargeError'
  }
}

/**
 * 400: the body stream failed before it ended, almost always because the client closed the
 * connection mid-body. The client's doing, not a server fault: it is answered (if anyone
 * still listens) and never logged as an unexpected error.
 */
export class IncompleteBodyError extends GalleyError {
  constructor(cause: unknown) {
    super(
      'INPUT_INVALID',
      400,
      'The request body ended early: the connection closed before all of it arrived. Send the request again.',
      { cause },
    )
    this.name = 'IncompleteBodyError'
  }
}

/** 415: a body that is not JSON. */
export class UnsupportedMediaTypeError extends GalleyError {
  constructor(got: string | undefined, why?: string) {
    super(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      why ??
        `Send the body as JSON with 'Content-Type: application/json'${got ? ` (got '${got.slice(0, 80)}')` : ''}.`,
    )
    this.name = 'UnsupportedMediaTypeError'
  }
}

/** 403 that signing in cannot fix: a request from an origin that may not use the session cookie. */
export class CrossOriginError extends GalleyError {
  constructor(message: string) {
    super('FORBIDDEN', 403, message)
    this.name = 'CrossOriginError'
  }
}

/** 429: too many attempts; `retryAfter` is in seconds. */
export class RateLimitedError extends GalleyError {
  readonly retryAfter: number
  constructor(message: string, retryAfter: number) {
    super('RATE_LIMITED', 429, message)
    this.name = 'RateLimitedError'
    this.retryAfter = retryAfter
  }
}

/** The one JSON error shape of the REST API. */
export interface ErrorBody {
  error: {
    code: string
    message: string
    fields?: Array<{ path: string; message: string }>
    currentRevision?: string | null
  }
}

/**
 * Turn anything thrown into a status and the JSON error shape, in one place. Errors not
 * marked safe to show become a generic 500 and are logged; no stack or SQL leaves.
 * For an `anonymous` caller an access denial (403) becomes a 401, since signing in might help.
 */
export function toErrorBody(
  err: unknown,
  anonymous: boolean,
  logger: Pick<Console, 'error'>,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const headers: Record<string, string> = {}
  // Errors marked safe to show: every 4xx, and a 5xx that says so (StoreBusyError: nothing
  // was done, try again).
  if (err instanceof GalleyError && err.expose && err.status >= 400) {
    let { status, code } = err
    let message = err.message
    if (err instanceof ForbiddenError && anonymous) {
      status = 401
      code = 'UNAUTHORIZED'
      message = `${message} Sign in, or send an API token as 'Authorization: Bearer <token>'.`
    }
    const body: ErrorBody = { error: { code, message } }
    if (err instanceof ValidationError) body.error.fields = err.fields
    if (err instanceof ConflictError) body.error.currentRevision = err.currentRevision
    if (err instanceof RateLimitedError || err instanceof StoreBusyError)
      headers['Retry-After'] = String(err.retryAfter)
    return { status, body, headers }
  }
  logger.error('[galley] unexpected error', err)
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: 'Something went wrong on the server; the error was logged.',
      },
    },
    headers,
  }
}
