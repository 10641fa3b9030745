import { PREVIEW_GRANT_HEADER } from '../create-client'
import { endsPreview } from './ended-preview'
/** A committed change as `GET /api/events` announces it: ids and status, never content. */
export type GalleyChange =
  | {
      kind: 'collection'
      collection: string
      id: string
      operation: ChangeOperation
      /** `null` once the document is gone (deleted, or unpublished for published-only listeners). */
      status: 'draft' | 'published' | 'changed' | null
      rev?: string
      /** Whether what the public sees changed. */
      published: boolean
      at: string
      /** The event's id: pass it back as `lastEventId` to resume after it. */
      eventId: string
    }
  | {
      kind: 'global'
      global: string
      operation: ChangeOperation
      status: 'draft' | 'published' | 'changed' | null
      rev?: string
      published: boolean
      at: string
      eventId: string
    }

export type ChangeOperation =
  'create' | 'update' | 'publish' | 'unpublish' | 'discardDraft' | 'restore' | 'delete'

/** Options of {@link subscribeToChanges}. */
export interface SubscribeOptions {
  /** The Galley server, e.g. `https://cms.example` (the stream is `<url>/api/events`). */
  url: string
  /**
   * Where the stream is under `url`. Default `/api/events`; a frontend route answered by
   * `proxyChangeStream` (e.g. `/api/galley-events`) for pages in draft mode.
   */
  path?: string
  /** Told of every change this caller may hear of. */
  onChange: (change: GalleyChange) => void
  /**
   * Told when the server's feed no longer reaches back to the last event seen (the client
   * was away too long): refetch what the page shows.
   */
  onReset?: () => void
  /** Told of connection errors; the subscription keeps reconnecting until `close()`. */
  onError?: (error: unknown) => void
  /** Resume after this event id (e.g. kept across page loads); default: from now on. */
  lastEventId?: string
  /**
   * An API token, sent as `Authorization: Bearer` (server code only: a read:drafts token
   * hears draft saves). EventSource cannot send headers, so a token uses `fetch`.
   */
  token?: string
  /**
   * The preview session's grant id (`getDraftMode().grant`), sent as `Galley-Preview-Grant`
   * (through `fetch`): the stream ends when the shared link behind the session is revoked
   * or expires, and `onEnded` is told.
   */
  previewGrant?: string
  /** Told once when the server ends the stream because the preview session ended; no reconnect follows. */
  onEnded?: () => void
  /** Send cookies to another origin (a signed-in Studio session). Default `false`. */
  withCredentials?: boolean
  /** Delay before reconnecting after the connection failed, doubling up to `maxMs`. */
  retry?: { minMs?: number; maxMs?: number }
  /** The EventSource to use (default: the global one, when there is no token). */
  EventSource?: typeof globalThis.EventSource
  /** The fetch to use when there is no EventSource, or with a token. */
  fetch?: typeof globalThis.fetch
}

/** A running subscription. */
export interface ChangeSubscription {
  /** The id of the newest event received, to resume from later. */
  readonly lastEventId: string | undefined
  /** Stop listening and close the connection. */
  close(): void
}

const DEFAULT_RETRY = Object.freeze({ minMs: 1000, maxMs: 30_000 })

/**
 * Listen to the changes a Galley server commits, as server-sent events from
 * `GET /api/events`. Reconnects by itself and resumes after the last event received
 * (`Last-Event-ID`), so no change is missed across a dropped connection; when the server
 * cannot reach back that far, `onReset` says so. Anonymous callers hear only changes to
 * published content; a session or a `read:drafts` token also hears draft saves.
 *
 * @example
 * const sub = subscribeToChanges({
 *   url: 'https://cms.example',
 *   onChange: (c) => c.kind === 'collection' && c.collection === 'posts' && router.refresh(),
 * })
 * // later: sub.close()
 */
export function subscribeToChanges(options: SubscribeOptions): ChangeSubscription {
  if (!options || typeof options.url !== 'string' || typeof options.onChange !== 'function')
    throw new TypeError('subscribeToChanges: `url` and `onChange` are required.')
  const base = new URL(options.url)
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new TypeError('subscribeToChanges: `url` must be an http(s) URL.')
  const path = options.path ?? '/api/events'
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//'))
    throw new TypeError('subscribeToChanges: `path` must start with a single /.')
  const endpoint = `${base.href.replace(/\/+$/, '')}${path}`
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const ES = options.EventSource ?? globalThis.EventSource
  let last = options.lastEventId
  let closed = false
  let failures = 0
  let stopCurrent: () => void = () => {}
  let timer: ReturnType<typeof setTimeout> | undefined

  const end = () => {
    if (closed) return
    closed = true
    if (timer) clearTimeout(timer)
    stopCurrent()
    options.onEnded?.()
  }

  const handle = (type: string, data: string, id: string | undefined) => {
    if (id) last = id
    if (type === 'ended') return end()
    if (type === 'reset') options.onReset?.()
    if (type !== 'message' || !data) return
    let change: GalleyChange
    try {
      change = { ...JSON.parse(data), eventId: id ?? last ?? '' }
    } catch {
      return
    }
    options.onChange(change)
  }

  const reconnect = (error: unknown) => {
    stopCurrent()
    if (closed) return
    options.onError?.(error)
    const delay = Math.min(retry.maxMs, retry.minMs * 2 ** Math.min(failures++, 16))
    timer = setTimeout(connect, delay)
  }

  const connect = () => {
    if (closed) return
    const url = last ? `${endpoint}?lastEventId=${encodeURIComponent(last)}` : endpoint
    if (!options.token && !options.previewGrant && ES) stopCurrent = viaEventSource(ES, url)
    else stopCurrent = viaFetch(url)
  }

  const viaEventSource = (Impl: typeof globalThis.EventSource, url: string) => {
    const es = new Impl(url, { withCredentials: !!options.withCredentials })
    const on = (type: string) => (e: Event) => {
      const m = e as MessageEvent<string>
      failures = 0
      handle(type, m.data, m.lastEventId || undefined)
    }
    es.onmessage = on('message')
    es.addEventListener('ready', on('ready'))
    es.addEventListener('reset', on('reset'))
    es.addEventListener('ended', on('ended'))
    es.onerror = (e) => {
      // CONNECTING: EventSource retries by itself, sending Last-Event-ID. CLOSED (an HTTP
      // error): it gave up, so start again, with the id in the query.
      if (es.readyState === 2) reconnect(e)
      else options.onError?.(e)
    }
    return () => es.close()
  }

  const viaFetch = (url: string) => {
    const controller = new AbortController()
    const doFetch = options.fetch ?? globalThis.fetch
    void (async () => {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (options.token) headers.authorization = `Bearer ${options.token}`
      if (options.previewGrant) headers[PREVIEW_GRANT_HEADER] = options.previewGrant
      if (last) headers['last-event-id'] = last
      const res = await doFetch(url, {
        headers,
        signal: controller.signal,
        credentials: options.withCredentials ? 'include' : 'same-origin',
      })
      // A session that ended before this (re)connection: 403 PREVIEW_ENDED, nothing to retry.
      if (await endsPreview(res)) return end()
      if (!res.ok || !res.body) throw new Error(`GET /api/events answered ${res.status}`)
      failures = 0
      await readEvents(res.body, handle)
      throw new Error('The event stream ended.')
    })().catch((err) => {
      if (!controller.signal.aborted) reconnect(err)
    })
    return () => controller.abort()
  }

  connect()
  return {
    get lastEventId() {
      return last
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      stopCurrent()
    },
  }
}

/** Parse a `text/event-stream` body (the fields Galley sends) and hand each event on. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  on: (type: string, data: string, id: string | undefined) => void,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
    let at: number
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at)
      buffer = buffer.slice(at + 2)
      let type = 'message'
      let id: string | undefined
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') type = value
        else if (field === 'data') data.push(value)
        else if (field === 'id') id = value
      }
      if (data.length || id !== undefined) on(type, data.join('\n'), id)
    }
  }
}
