import {
  HEARTBEAT_MS,
  TIMEOUT_MS,
  envelope,
  normaliseOrigins,
  readStudioMessage,
  type FrontendMessage,
  type StudioMessage,
} from './protocol'

/** Options of {@link connectToStudio}. */
export interface StudioChannelOptions {
  /** Origins of the Studios allowed to drive this page, e.g. `['https://cms.example']`. Never `'*'`. */
  studioOrigins: readonly string[]
  /** Called with each message from the Studio, once connected. */
  onMessage?: (message: StudioMessage) => void
  /** Called when the connection comes up (`true`) or is lost (`false`). */
  onStatus?: (connected: boolean) => void
  /** The window to talk to. Default: `window.parent` when framed, else `window.opener`. */
  target?: Window | null
}

/** The frontend's end of the channel. */
export interface StudioChannel {
  readonly connected: boolean
  /** The Studio's origin while connected. */
  readonly studioOrigin: string | null
  send(message: FrontendMessage): void
  close(): void
}

/**
 * Connects this page to the Studio that frames it: `hello` (to each allowed origin, since
 * `postMessage` needs an exact target) until a `welcome` comes back from one of them, then a
 * ping every second; three seconds without a word from the Studio and it says `hello` again
 * (the Studio was reloaded, or the page was navigated). Messages from any other window or
 * origin, and messages that are not the protocol's, are ignored.
 */
export function connectToStudio(options: StudioChannelOptions): StudioChannel {
  const origins = normaliseOrigins(options.studioOrigins, 'studioOrigins')
  const target =
    options.target !== undefined
      ? options.target
      : window.parent !== window
        ? window.parent
        : window.opener
  let studioOrigin: string | null = null
  let lastHeard = 0
  let closed = false

  const post = (message: FrontendMessage, origin: string) => {
    try {
      target?.postMessage(envelope(message), origin)
    } catch {
      // The target window is gone; the heartbeat notices.
    }
  }
  const hello = () => {
    const message = { type: 'hello', url: location.href, title: document.title } as const
    for (const origin of origins) post(message, origin)
  }
  const setConnected = (origin: string | null) => {
    if (origin === studioOrigin) return
    studioOrigin = origin
    options.onStatus?.(origin !== null)
  }

  const onMessage = (event: MessageEvent) => {
    if (closed || !target || event.source !== target || !origins.includes(event.origin)) return
    const message = readStudioMessage(event.data)
    if (!message) return
    lastHeard = Date.now()
    if (message.type === 'welcome') {
      setConnected(event.origin)
      return
    }
    if (event.origin !== studioOrigin) return
    if (message.type === 'ping') post({ type: 'pong' }, event.origin)
    if (message.type !== 'ping' && message.type !== 'pong') options.onMessage?.(message)
  }
  window.addEventListener('message', onMessage)

  const tick = () => {
    if (studioOrigin === null) return hello()
    if (Date.now() - lastHeard > TIMEOUT_MS) {
      setConnected(null)
      return hello()
    }
    post({ type: 'ping' }, studioOrigin)
  }
  const timer = target ? setInterval(tick, HEARTBEAT_MS) : undefined
  if (target) hello()

  return {
    get connected() {
      return studioOrigin !== null
    },
    get studioOrigin() {
      return studioOrigin
    },
    send(message) {
      if (studioOrigin) post(message, studioOrigin)
    },
    close() {
      closed = true
      clearInterval(timer)
      window.removeEventListener('message', onMessage)
      setConnected(null)
    },
  }
}
