import { PREVIEW_GRANT_HEADER } from '../create-client'
import { endsPreview } from './ended-preview'

/** Options of {@link proxyChangeStream}. */
export interface ProxyChangeStreamOptions {
  /** The Galley server, e.g. `https://cms.example`. */
  url: string
  /** The frontend's API token (a `read:drafts` token hears draft saves). Server code only. */
  token: string
  /**
   * The preview session's grant id (`getDraftMode().grant`): sent on, so the stream ends
   * (`event: ended`) when the shared link is revoked; a reconnect then gets that event
   * again (with a one-minute `retry`), so a client stops for good.
   */
  previewGrant?: string
  /** The fetch to use (default: the global one). */
  fetch?: typeof globalThis.fetch
}

/**
 * Answer a browser's `EventSource` from a frontend's own route with Galley's live events,
 * read with the frontend's token: a page in draft mode hears draft saves without ever
 * holding the token (EventSource cannot send one anyway). Forwards `Last-Event-ID` (header
 * or `?lastEventId=`), and stops reading when the browser goes away. Check that the request
 * is allowed to preview (draft mode) before calling it.
 *
 * @example
 * // app/api/galley-events/route.ts (Next.js)
 * export async function GET(request: Request) {
 *   if (!(await draftMode()).isEnabled) return new Response(null, { status: 204 })
 *   return proxyChangeStream(request, { url: process.env.GALLEY_URL!, token: process.env.GALLEY_TOKEN! })
 * }
 */
export async function proxyChangeStream(
  request: Request,
  options: ProxyChangeStreamOptions,
): Promise<Response> {
  if (!options || typeof options.url !== 'string' || typeof options.token !== 'string')
    throw new TypeError('proxyChangeStream: `url` and `token` are required.')
  const base = new URL(options.url)
  const last =
    request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId')
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    authorization: `Bearer ${options.token}`,
  }
  if (last) headers['last-event-id'] = last
  if (options.previewGrant) headers[PREVIEW_GRANT_HEADER] = options.previewGrant
  const upstream = await (options.fetch ?? globalThis.fetch)(
    `${base.href.replace(/\/+$/, '')}/api/events`,
    { headers, signal: request.signal },
  )
  // An ended session's reconnect: answered as the stream would have ended it, so a client
  // (subscribeToChanges, or a page's own EventSource listening for `ended`) stops for good.
  if (await endsPreview(upstream))
    return new Response(ENDED, { status: 200, headers: STREAM_HEADERS })
  if (!upstream.ok || !upstream.body) {
    // A malformed Last-Event-ID is the browser's to hear; anything else is this route's fault.
    const status = upstream.status === 400 || upstream.status === 503 ? upstream.status : 502
    return new Response(null, { status })
  }
  return new Response(upstream.body, { status: 200, headers: STREAM_HEADERS })
}

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'private, no-store, no-transform',
  'x-accel-buffering': 'no',
}

/** What the server sends when a preview session's grant ends (see `GET /api/events`). */
const ENDED =
  'retry: 60000\n\nevent: ended\ndata: {"code":"PREVIEW_ENDED","message":"The preview link was revoked or expired."}\n\n'
