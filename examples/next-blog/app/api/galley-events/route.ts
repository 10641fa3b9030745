import { galleyDraftMode } from '@/lib/draft-mode'
import { galleyUrl, readToken } from '@/lib/galley-client'

export const dynamic = 'force-dynamic'

/**
 * The Galley server's change feed (`GET /api/events`, server-sent events of ids and status,
 * never content) for editors in draft mode, read with this site's server-side token so that
 * draft saves are heard too; the token never reaches the browser. Anyone else gets 401.
 */
export async function GET(request: Request): Promise<Response> {
  const state = await galleyDraftMode().getDraftMode()
  if (!state.isEnabled) return new Response('Draft mode only.', { status: 401 })
  const lastEventId = request.headers.get('last-event-id')
  const upstream = await fetch(`${galleyUrl()}/api/events`, {
    headers: {
      Accept: 'text/event-stream',
      Authorization: `Bearer ${readToken()}`,
      ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
    },
    signal: request.signal,
    cache: 'no-store',
  })
  if (!upstream.ok || !upstream.body)
    return new Response('The Galley change feed is unavailable.', { status: 502 })
  return new Response(upstream.body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    },
  })
}
