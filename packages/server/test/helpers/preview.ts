import { vi } from 'vitest'
import { createServer, type GalleyServer, type ServerOptions } from '../../src/index'
import { PREVIEW_SECRETS } from '../../src/preview/preview-collection'
import type { Blog, ReqOptions, Res } from './blog'

/** The frontend enable route the preview suites configure. */
export const ENABLE_URL = 'https://site.example/api/draft-mode/enable'

/** `blog.req`, on another server built over the same engine (other preview options). */
export function requester(server: GalleyServer) {
  return async (method: string, path: string, o: ReqOptions = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...o.headers }
    let body: string | undefined = o.raw
    if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers['content-type'] ??= 'application/json'
    }
    if (o.token) headers.authorization = `Bearer ${o.token}`
    if (o.cookie) headers.cookie = o.cookie
    if (o.csrf) headers['x-csrf-token'] = o.csrf
    const res = await server.app.request(`http://localhost${path}`, { method, headers, body })
    const text = await res.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }
}

/** A second server on the blog's engine; closed by the returned `close`. */
export function serverOn(blog: Blog, options: Partial<ServerOptions> = {}) {
  const server = createServer({
    galley: blog.galley,
    logger: { error: () => {}, warn: () => {} },
    ...options,
  })
  return { server, req: requester(server), close: () => server.close() }
}

/** Every stored preview record, read as trusted code. */
export async function storedSecrets(blog: Blog) {
  const res = await blog.galley.find({ collection: PREVIEW_SECRETS, limit: 1000 })
  return res.docs as Array<Record<string, unknown> & { id: string }>
}

/** Mock only `Date` (timers and the database drivers keep running) and move it by `ms`. */
export function shiftClock(ms: number): void {
  if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() + ms)
}

/** Poll until `check` holds, at most `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const end = performance.now() + timeoutMs
  while (performance.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 10))
  }
  return check()
}
