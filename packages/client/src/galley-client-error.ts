/** One field's problem, as the server reports validation errors. */
export interface ClientFieldError {
  path: string
  message: string
}

/**
 * What the client throws for an error answer (`{ error: { code, message, fields? } }`), an
 * unreadable answer, or a failed request. `status` is the HTTP status, 0 when none arrived.
 *
 * @example
 * try { await client.findById('posts', id) } catch (e) {
 *   if (e instanceof GalleyClientError && e.status === 404) notFound()
 * }
 */
export class GalleyClientError extends Error {
  /** The server's stable code (`NOT_FOUND`, `FORBIDDEN` …), or `NETWORK_ERROR`, `INVALID_RESPONSE`, `HTTP_<status>`. */
  readonly code: string
  readonly status: number
  readonly fields?: ClientFieldError[]
  constructor(
    code: string,
    status: number,
    message: string,
    options: { cause?: unknown; fields?: ClientFieldError[] } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'GalleyClientError'
    this.code = code
    this.status = status
    if (options.fields) this.fields = options.fields
  }
}
