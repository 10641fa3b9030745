import { Hono } from 'hono'
import { ConfigError, QueryError } from '@galley/core'
import { parseQuery } from '../http/query-params'
import { withCors } from '../http/cors'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'
import { PREVIEW_GRANT_HEADER, type PreviewGrants } from '../preview/preview-grants'
import { EVENT_DEFAULTS, EventHub, type EventStreamOptions } from './event-hub'
import type { EventListener } from './event-listener'

/** How often an idle preview-session stream checks that its grant still holds. */
const GRANT_CHECK_MS = 1000

declare module '../server-options' {
  interface ServerOptions {
    /** The live event stream, `GET /api/events` (see `EventStreamOptions`). */
    events?: EventStreamOptions
  }
}

function resolve(options: EventStreamOptions = {}): Required<EventStreamOptions> {
  const maxListeners = options.maxListeners ?? EVENT_DEFAULTS.maxListeners
  const o = {
    ...EVENT_DEFAULTS,
    ...options,
    maxListenersPerClient:
      options.maxListenersPerClient ??
      Math.max(1, Math.min(EVENT_DEFAULTS.maxListenersPerClient, Math.floor(maxListeners / 10))),
  }
  for (const [name, min] of [
    ['heartbeatMs', 10],
    ['maxBufferBytes', 1024],
    ['maxListeners', 1],
    ['maxListenersPerClient', 1],
    ['pollMs', 5],
  ] as const) {
    const v = o[name]
    if (!Number.isSafeInteger(v) || v < min)
      throw new ConfigError(`events.${name} must be a whole number ≥ ${min}; got ${String(v)}.`)
  }
  return o
}

/**
 * A `Last-Event-ID`: the header, or `lastEventId` in the query for clients that cannot set
 * headers. The header wins: EventSource sends it when it reconnects by itself, to the URL
 * that may still carry the id it first resumed from.
 */
function lastEventIdOf(header: string | undefined, query: string | undefined): number | undefined {
  const raw = (header ?? query)?.trim()
  if (raw === undefined || raw === '') return undefined
  if (!/^\d{1,15}$/.test(raw))
    throw new QueryError(
      `Last-Event-ID must be the id of an event this stream sent (a whole number); got ${JSON.stringify(raw.slice(0, 40))}.`,
    )
  return Number(raw)
}

/**
 * `GET /api/events`: server-sent events of committed changes, filtered by what the caller
 * may read (see `viewOf`). Each change is `id: <seq>` plus `data: { kind, collection, id |
 * global, operation, status, rev?, published, at }`; `event: ready` (on connect) and
 * `event: reset` (the feed no longer reaches back to `Last-Event-ID`) carry `{ seq }`.
 */
export function eventRoutes(
  ctx: ServerContext,
  options: EventStreamOptions | undefined,
  grants: PreviewGrants | null = null,
) {
  const opts = resolve(options)
  const feed = ctx.galley.config.storage.changeFeed
  const hub = feed ? new EventHub(ctx.galley, feed, opts) : null
  const app = new Hono<ServerEnv>()
  const perClient = new Map<string, number>()
  app.get('/', async (c) => {
    const { params } = parseQuery(searchOf(c), ['lastEventId'], 'GET /api/events')
    const last = lastEventIdOf(c.req.header('last-event-id'), params.get('lastEventId'))
    if (!hub)
      return sendPrivate(
        c,
        {
          error: {
            code: 'NOT_FOUND',
            message: 'This store keeps no change feed, so there are no live events.',
          },
        },
        404,
      )
    if (hub.size >= opts.maxListeners)
      return sendPrivate(
        c,
        {
          error: {
            code: 'UNAVAILABLE',
            message: 'Too many listeners on this server; try again shortly.',
          },
        },
        503,
        { 'Retry-After': '5' },
      )
    // One client (by address) holds at most its share, so it cannot lock others out.
    const address = c.get('client')?.address ?? 'unknown'
    const held = perClient.get(address) ?? 0
    if (held >= opts.maxListenersPerClient)
      return sendPrivate(
        c,
        {
          error: {
            code: 'RATE_LIMITED',
            message: `This client holds ${held} event streams already (at most ${opts.maxListenersPerClient}); close one or share it.`,
          },
        },
        429,
        { 'Retry-After': '5' },
      )
    perClient.set(address, held + 1)
    const release = () => {
      const n = (perClient.get(address) ?? 1) - 1
      if (n > 0) perClient.set(address, n)
      else perClient.delete(address)
    }
    // A stream opened in a preview session (the grant middleware let it through) ends when
    // its grant does: checked before every event, and each second while nothing happens.
    const grant = c.req.header(PREVIEW_GRANT_HEADER)
    const live = grant !== undefined && grants ? () => grants.isLive(grant) : undefined
    let timer: ReturnType<typeof setInterval> | undefined
    let listener: EventListener
    try {
      listener = await hub.connect(
        c.get('auth').user,
        last,
        () => {
          clearInterval(timer)
          release()
        },
        live,
      )
    } catch (err) {
      release()
      throw err
    }
    if (live) {
      timer = setInterval(() => void listener.stillHeld(), GRANT_CHECK_MS)
      timer.unref()
    }
    return new Response(listener.stream, {
      status: 200,
      headers: withCors(c, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'private, no-store, no-transform',
        Vary: 'Authorization, Cookie',
        'X-Accel-Buffering': 'no',
      }),
    })
  })
  return { app, close: () => hub?.close(), hub }
}
