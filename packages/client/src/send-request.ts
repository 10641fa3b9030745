import { GalleyClientError, type ClientFieldError } from './galley-client-error'

/** Sends one request to Galley and resolves its parsed JSON body. */
export type SendRequest = <T>(base: string, path: string, init?: RequestInit) => Promise<T>

/**
 * Makes the client's request function: the token as a bearer header (never in the URL),
 * JSON parsing, and every failure turned into a `GalleyClientError`.
 */
export function createSendRequest(config: {
  token?: string
  headers?: Record<string, string>
  fetch?: typeof globalThis.fetch
}): SendRequest {
  const doFetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init))
  return async function request<T>(base: string, path: string, init: RequestInit = {}): Promise<T> {
    const url = joinUrl(base, path)
    const headers = new Headers(config.headers)
    headers.set('Accept', 'application/json')
    if (config.token) headers.set('Authorization', `Bearer ${config.token}`)
    new Headers(init.headers).forEach((value, name) => headers.set(name, value))
    const method = (init.method ?? 'GET').toUpperCase()
    // The path alone: messages end up in logs, and a query may carry search terms.
    const label = `${method} ${new URL(url).pathname}`

    let response: Response
    try {
      response = await doFetch(url, { ...init, headers })
    } catch (cause) {
      throw new GalleyClientError('NETWORK_ERROR', 0, `${label} failed: ${String(cause)}`, {
        cause,
      })
    }
    const text = await response.text()
    let body: unknown = undefined
    if (text !== '') {
      try {
        body = JSON.parse(text)
      } catch (cause) {
        if (response.ok) {
          throw new GalleyClientError(
            'INVALID_RESPONSE',
            response.status,
            `${label}: the answer is not JSON.`,
            {
              cause,
            },
          )
        }
      }
    }
    if (!response.ok) throw errorFrom(response, body, label)
    return body as T
  }
}

function joinUrl(base: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:|^\/\/|\\/i.test(path)) {
    throw new TypeError(`client.fetch: pass a path such as "/api/posts", not "${path}".`)
  }
  return `${base}/${path.replace(/^\/+/, '')}`
}

function errorFrom(response: Response, body: unknown, label: string): GalleyClientError {
  const error = (
    body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | undefined
  )?.error
  if (error && typeof error.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : `${label} failed`
    const fields = Array.isArray(error.fields) ? (error.fields as ClientFieldError[]) : undefined
    return new GalleyClientError(error.code, response.status, message, { fields, cause: body })
  }
  return new GalleyClientError(
    `HTTP_${response.status}`,
    response.status,
    `${label} answered ${response.status} ${response.statusText}`.trim(),
    { cause: body },
  )
}
