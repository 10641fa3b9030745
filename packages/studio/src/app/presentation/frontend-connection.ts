/*
 * The Studio's end of the visual-editing channel (the protocol of @galley/visual-editing,
 * which the Studio does not import: DESIGN.md lets it depend on the client only).
 */

export const PROTOCOL_VERSION = 1
const CHANNEL = 'galley-visual-editing'
const HEARTBEAT_MS = 1000
const TIMEOUT_MS = 3000

/** What the frontend says. */
export type FrontendEvent =
  | { type: 'hello'; url: string; title: string }
  | { type: 'navigated'; url: string; title: string }
  | { type: 'edit'; document: string; path: string }
  | { type: 'overlays'; count: number }

/** Callbacks of a {@link FrontendConnection}. */
export interface ConnectionHandlers {
  onEvent(event: FrontendEvent): void
  onStatus(status: 'connected' | 'lost'): void
  /** A message came from the frame but from an origin not in the list (ignored otherwise). */
  onRejectedOrigin(origin: string): void
  /** The frame speaks another version of the protocol. */
  onVersionMismatch(version: unknown): void
}

/**
 * Talks to the frontend in `frame`: answers its `hello` with `welcome` when it comes from
 * that frame's window and an allowed origin, pings it every second, and counts it lost after
 * three seconds of silence. Every other message is ignored (origins that are not allowed
 * are reported once each, for the Studio's error message).
 */
export class FrontendConnection {
  #frame: HTMLIFrameElement
  #origins: readonly string[]
  #handlers: ConnectionHandlers
  #origin: string | null = null
  #lastHeard = 0
  #timer: ReturnType<typeof setInterval>
  #rejected = new Set<string>()

  constructor(
    frame: HTMLIFrameElement,
    allowOrigins: readonly string[],
    handlers: ConnectionHandlers,
  ) {
    if (allowOrigins.some((o) => o === '*' || o === 'null'))
      throw new Error('allowOrigins may not contain "*" or "null".')
    this.#frame = frame
    this.#origins = allowOrigins
    this.#handlers = handlers
    window.addEventListener('message', this.#onMessage)
    this.#timer = setInterval(this.#tick, HEARTBEAT_MS)
  }

  get connected(): boolean {
    return this.#origin !== null
  }

  /** Sends a message to the connected frontend (nothing when not connected). */
  send(message: { type: string } & Record<string, unknown>): void {
    const target = this.#frame.contentWindow
    if (!this.#origin || !target) return
    target.postMessage({ ...message, channel: CHANNEL, version: PROTOCOL_VERSION }, this.#origin)
  }

  close(): void {
    clearInterval(this.#timer)
    window.removeEventListener('message', this.#onMessage)
  }

  #onMessage = (event: MessageEvent) => {
    if (event.source === null || event.source !== this.#frame.contentWindow) return
    const data = event.data as Record<string, unknown> | null
    if (!data || typeof data !== 'object' || data.channel !== CHANNEL) return
    if (!this.#origins.includes(event.origin)) {
      if (!this.#rejected.has(event.origin)) {
        this.#rejected.add(event.origin)
        this.#handlers.onRejectedOrigin(event.origin)
      }
      return
    }
    if (data.version !== PROTOCOL_VERSION) return this.#handlers.onVersionMismatch(data.version)
    this.#lastHeard = Date.now()
    switch (data.type) {
      case 'hello':
        if (!sameOrigin(data.url, event.origin)) return
        this.#origin = event.origin
        this.send({ type: 'welcome' })
        this.#handlers.onStatus('connected')
        this.#handlers.onEvent({ type: 'hello', url: data.url, title: String(data.title ?? '') })
        return
      case 'ping':
        if (event.origin === this.#origin) this.send({ type: 'pong' })
        return
      case 'navigated':
        if (event.origin === this.#origin && sameOrigin(data.url, event.origin))
          this.#handlers.onEvent({
            type: 'navigated',
            url: data.url,
            title: String(data.title ?? ''),
          })
        return
      case 'edit':
        if (
          event.origin === this.#origin &&
          typeof data.document === 'string' &&
          typeof data.path === 'string'
        )
          this.#handlers.onEvent({ type: 'edit', document: data.document, path: data.path })
        return
      case 'overlays':
        if (event.origin === this.#origin && typeof data.count === 'number')
          this.#handlers.onEvent({ type: 'overlays', count: data.count })
        return
    }
  }

  #tick = () => {
    if (!this.#origin) return
    if (Date.now() - this.#lastHeard > TIMEOUT_MS) {
      this.#origin = null
      this.#handlers.onStatus('lost')
      return
    }
    this.send({ type: 'ping' })
  }
}

/** Whether `url` is an address on `origin` (what a page says about itself must be true). */
function sameOrigin(url: unknown, origin: string): url is string {
  if (typeof url !== 'string') return false
  try {
    return new URL(url).origin === origin
  } catch {
    return false
  }
}

/** The key marks use for a document: `posts/p1`, `~settings`. */
export function documentKey(
  kind: 'collection' | 'global',
  slug: string,
  id: string | null,
): string {
  const escape = (text: string) =>
    encodeURIComponent(text).replace(/\./g, '%2E').replace(/~/g, '%7E')
  return kind === 'global' ? `~${escape(slug)}` : `${escape(slug)}/${escape(id ?? '')}`
}

/** Reads a document key back: `{ kind, slug, id }`, or null. */
export function parseDocumentKey(
  key: string,
): { kind: 'collection' | 'global'; slug: string; id: string | null } | null {
  try {
    if (key.startsWith('~'))
      return { kind: 'global', slug: decodeURIComponent(key.slice(1)), id: null }
    const match = /^([^/]+)\/([^/]+)$/.exec(key)
    if (!match) return null
    return {
      kind: 'collection',
      slug: decodeURIComponent(match[1]),
      id: decodeURIComponent(match[2]),
    }
  } catch {
    return null
  }
}

/** `blocks.0.title` with each step decoded (marks escape `.` inside a step). */
export function decodeFieldPath(path: string): string {
  return path
    .split('.')
    .map((step) => {
      try {
        return decodeURIComponent(step)
      } catch {
        return step
      }
    })
    .join('.')
}
