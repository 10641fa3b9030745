import type { Context } from 'hono'

/** The request's query, from the URL `authenticate` parsed (or parsed here outside that middleware). */
export function searchOf(c: Context): URLSearchParams {
  return ((c.get('url') as URL | undefined) ?? new URL(c.req.url)).searchParams
}
