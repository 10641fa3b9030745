import { PREVIEW_GRANT_HEADER } from '@galley/client'
import { galleyDraftMode } from '@/lib/draft-mode'
import { galleyUrl, readToken } from '@/lib/galley-client'

export const dynamic = 'force-dynamic'

/**
 * The Galley server's change feed (`GET /api/events`, server-sent events of ids and status,
 * never content) for a session in draft mode.
 *
 * - A session that may see drafts reads it with this site's server-side token (the token
 *   never reaches the browser), so draft saves are heard too, and with the session's
 *   preview grant: the Galley server refuses the stream, or ends it, once the shared link
 *   or secret behind the session is revoked or expires.
 * - A session in the `published` perspective hears what the public hears: no token, but
 *   its grant all the same, so that revoking its link ends its stream too.
 * - The stream ends when the session's cookie does. Anyone else gets 401.
 */
export async function GET(request: Request): Promise<Response> {
  const state = await galleyDraftMode().getDraftMode()
  if (!state.isEnabled) return new Response('Draft mode only.', { status: 401 })
  const lastEventId = request.headers.get('last-event-id')
  const drafts = state.perspective !== 'published'
  // Ends the upstream stream: when the browser goes, or when the session's cookie expires.
  const ends = new AbortController()
  const stop = () => {
    clearTimeout(timer)
    ends.abort()
  }
  const timer = setTimeout(
    stop,
    Math.min(2 ** 31 - 1, Math.max(0, state.expiresAt.getTime() - Date.now())),
  )
  request.signal.addEventListener('abort', stop, { once: true })
  const upstream = await fetch(`${galleyUrl()}/api/events`, {
    headers: {
      Accept: 'text/event-stream',
      ...(drafts ? { Authorization: `Bearer ${readToken()}` } : {}),
      ...(state.grant ? { [PREVIEW_GRANT_HEADER]: state.grant } : {}),
      ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
    },
    signal: ends.signal,
    cache: 'no-store',
  }).catch(() => null)
  if (!upstream?.ok || !upstream.body) {
    stop()
    // The server's refusal of an ended preview passes through as itself (403), told apart
    // from a feed that is down (502).
    if (upstream?.status === 403)
      return new Response('The preview ended.', {
        status: 403,
        headers: { 'Cache-Control': 'no-store' },
      })
    return new Response('The Galley change feed is unavailable.', { status: 502 })
  }
  const body = upstream.body.pipeThrough(new TransformStream({ flush: () => clearTimeout(timer) }))
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    },
  })
}
