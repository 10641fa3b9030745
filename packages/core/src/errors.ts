/** Stable error codes shared by every layer (the server maps them to HTTP in one place). */
export type GalleyErrorCode =
  | 'CONFIG_INVALID'
  | 'QUERY_INVALID'
  | 'INPUT_INVALID'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'STORE_BUSY'
  | 'QUERY_TIMEOUT'
  | 'INTERNAL'

/** One field's problem, shaped so a form can show it next to the input. */
export interface FieldError {
  path: string
  message: string
}

/**
 * Base error of Galley: a literal `code`, the HTTP `status` it maps to, and whether the
 * message is safe to show to a caller (internal errors are not).
 */
export class GalleyError extends Error {
  readonly code: GalleyErrorCode
  readonly status: number
  readonly expose: boolean
  constructor(
    code: GalleyErrorCode,
    status: number,
    message: string,
    options: { cause?: unknown; expose?: boolean } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'GalleyError'
    this.code = code
    this.status = status
    this.expose = options.expose ?? status < 500
  }
}

/** Bad configuration, raised at start-up; the message names the collection and field. */
export class ConfigError extends GalleyError {
  constructor(message: string) {
    super('CONFIG_INVALID', 500, message, { expose: false })
    this.name = 'ConfigError'
  }
}

/** A malformed where, sort, perspective or paging argument. */
export class QueryError extends GalleyError {
  constructor(message: string) {
    super('QUERY_INVALID', 400, message)
    this.name = 'QueryError'
  }
}

/** A malformed call argument that is not a query (bad id, bad data shape). */
export class InputError extends GalleyError {
  constructor(message: string) {
    super('INPUT_INVALID', 400, message)
    this.name = 'InputError'
  }
}

/** Data that breaks the schema; `fields` lists each problem by path. */
export class ValidationError extends GalleyError {
  readonly fields: FieldError[]
  constructor(fields: FieldError[], collection?: string) {
    const where = collection ? ` in '${collection}'` : ''
    super(
      'VALIDATION_FAILED',
      422,
      `The data${where} is invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    )
    this.name = 'ValidationError'
    this.fields = fields
  }
}

export class NotFoundError extends GalleyError {
  constructor(message: string) {
    super('NOT_FOUND', 404, message)
    this.name = 'NotFoundError'
  }
}

export class ForbiddenError extends GalleyError {
  constructor(message = 'You are not allowed to perform this action.') {
    super('FORBIDDEN', 403, message)
    this.name = 'ForbiddenError'
  }
}

/** A stale `ifRevision`: the document moved on. Carries the revision to re-read from. */
export class ConflictError extends GalleyError {
  readonly currentRevision: string | null
  constructor(message: string, currentRevision: string | null) {
    super('CONFLICT', 409, message)
    this.name = 'ConflictError'
    this.currentRevision = currentRevision
  }
}

/**
 * 503: the store could not take the request in time (every pooled connection stayed busy).
 * Nothing was done; the caller may try again after `retryAfter` seconds.
 */
export class StoreBusyError extends GalleyError {
  readonly retryAfter: number
  constructor(message: string, retryAfter = 1, cause?: unknown) {
    super('STORE_BUSY', 503, message, { cause, expose: true })
    this.name = 'StoreBusyError'
    this.retryAfter = retryAfter
  }
}

/**
 * 503: a read ran past the store's time limit for one statement and was stopped (SQLite's
 * `queryTimeoutMs`, PostgreSQL's `statement_timeout`). Nothing was changed; a transaction it
 * ran in is rolled back. The same read would stop again: the message says what to change.
 */
export class QueryTimeoutError extends GalleyError {
  constructor(message: string, cause?: unknown) {
    super('QUERY_TIMEOUT', 503, message, { cause, expose: true })
    this.name = 'QueryTimeoutError'
  }
}
