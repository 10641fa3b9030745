import type { Context } from 'hono'

/**
 * @deprecated Read headers through Hono: `c.req.header(name)`. Kept only until the
 * preview grant check moves over; it reads the Web `Headers`, nothing else.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  return c.req.header(name)
}

/** @deprecated `request.headers.get(name) ?? undefined`; see `requestHeader`. */
export function headerReader(
  request: Request,
  _env?: unknown,
): (name: string) => string | undefined {
  return (name) => request.headers.get(name) ?? undefined
}
