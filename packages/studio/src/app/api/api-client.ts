/** The Studio's calls to the Galley API on its own origin, with the session cookie and CSRF token. */

/** A field error from a 422. */
export interface FieldError {
  path: string
  message: string
}

/** An error answered by the API: its status, stable code, message and details. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: FieldError[]
  readonly currentRevision: string | null
  readonly retryAfter: number | null
  constructor(
    status: number,
    body: {
      code?: string
      message?: string
      fields?: FieldError[]
      currentRevision?: string | null
    },
    retryAfter: number | null,
  ) {
    super(body.message ?? `The server answered ${status}.`)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code ?? 'UNKNOWN'
    this.fields = Array.isArray(body.fields) ? body.fields : []
    this.currentRevision = body.currentRevision ?? null
    this.retryAfter = retryAfter
  }
}

let csrfToken: string | null = null

/** Remember the CSRF token from a login or `/api/auth/me` (writes echo it in `X-CSRF-Token`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

function csrfFromCookie(): string | null {
  const m = /(?:^|;\s*)galley_csrf=([^;]*)/.exec(document.cookie)
  return m ? decodeURIComponent(m[1]!) : null
}

/** Options of one API call. */
export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  /** Sent as `If-Match`: the write fails with 409 if the document moved on. */
  ifMatch?: string
  signal?: AbortSignal
}

/** Listeners told when any call answers 401 (the session ended): the app shows the login. */
const unauthorizedListeners = new Set<() => void>()
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn)
  return () => unauthorizedListeners.delete(fn)
}

/** Call `/api<path>` and return its JSON; throws `ApiError` for any non-2xx answer. */
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET') {
    const token = csrfToken ?? csrfFromCookie()
    if (token) headers['X-CSRF-Token'] = token
  }
  if (options.ifMatch) headers['If-Match'] = `"${options.ifMatch}"`
  let res: Response
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, { code: 'NETWORK', message: 'The server could not be reached.' }, null)
  }
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const body = (json as { error?: object } | undefined)?.error ?? {}
    const retry = Number(res.headers.get('retry-after'))
    const err = new ApiError(res.status, body, Number.isFinite(retry) && retry > 0 ? retry : null)
    if (res.status === 401 && !path.startsWith('/auth/'))
      for (const fn of unauthorizedListeners) fn()
    throw err
  }
  return json as T
}

/** A query string from pairs, skipping undefined values. */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
