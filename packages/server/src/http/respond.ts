import type { Context } from 'hono'
import { PRIVATE_CACHE } from './cache-headers'

/** A JSON response no shared cache may keep: drafts, other perspectives, signed-in callers, writes, errors. */
export function sendPrivate(
  c: Context,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...PRIVATE_CACHE, ...headers },
  })
}
