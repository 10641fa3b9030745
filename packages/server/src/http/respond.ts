import type { Context } from 'hono'
import { PRIVATE_CACHE } from './cache-headers'
import { withCors } from './cors'

/**
 * A JSON response no shared cache may keep: drafts, other perspectives, signed-in callers,
 * writes, errors. Every header, CORS and `cookies` (one `Set-Cookie` each) included, is in
 * the response's initial headers.
 */
export function sendPrivate(
  c: Context,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
  cookies: readonly string[] = [],
): Response {
  const all = withCors(c, {
    'Content-Type': 'application/json; charset=utf-8',
    ...PRIVATE_CACHE,
    ...headers,
  })
  const init: HeadersInit =
    cookies.length === 0
      ? all
      : [...Object.entries(all), ...cookies.map((v): [string, string] => ['Set-Cookie', v])]
  return new Response(JSON.stringify(body), { status, headers: init })
}
