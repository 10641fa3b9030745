/** Version of the messages between the Studio and a frontend; both sides refuse others. */
export const PROTOCOL_VERSION = 1

/** Every message carries this, so that other scripts' messages are ignored. */
export const CHANNEL = 'galley-visual-editing'

/** How often each side says it is still there, and when the other counts as gone. */
export const HEARTBEAT_MS = 1000
export const TIMEOUT_MS = 3000

/** A document a frontend shows: `posts/p1` or `~settings` (as in stega references). */
export type DocumentKey = string

/** Messages from the frontend (overlay) to the Studio. */
export type FrontendMessage =
  | { type: 'hello'; url: string; title: string }
  | { type: 'ping' }
  | { type: 'pong' }
  | { type: 'navigated'; url: string; title: string }
  | { type: 'edit'; document: DocumentKey; path: string }
  | { type: 'overlays'; count: number }

/** Messages from the Studio to the frontend. */
export type StudioMessage =
  | { type: 'welcome' }
  | { type: 'ping' }
  | { type: 'pong' }
  | { type: 'draft'; document: DocumentKey; values: Record<string, unknown> }
  | { type: 'navigate'; path: string }
  | { type: 'refresh' }

/** A message on the wire. */
export type Envelope<M> = M & { channel: typeof CHANNEL; version: number }

const FRONTEND_TYPES = new Set(['hello', 'ping', 'pong', 'navigated', 'edit', 'overlays'])
const STUDIO_TYPES = new Set(['welcome', 'ping', 'pong', 'draft', 'navigate', 'refresh'])

/** Wraps a message for `postMessage`. */
export function envelope<M extends { type: string }>(message: M): Envelope<M> {
  return { ...message, channel: CHANNEL, version: PROTOCOL_VERSION }
}

/** The Studio message in `data`, or `undefined` for anything that is not one. */
export function readStudioMessage(data: unknown): StudioMessage | undefined {
  if (!isEnvelope(data) || !STUDIO_TYPES.has(data.type)) return undefined
  if (data.type === 'draft') {
    if (typeof data.document !== 'string' || !isRecord(data.values)) return undefined
  }
  // A path on this site only: not `//host`, `/\host` or anything with a scheme.
  if (
    data.type === 'navigate' &&
    (typeof data.path !== 'string' ||
      !/^\/(?![/\\])/.test(data.path) ||
      /[\u0000-\u001f]/.test(data.path))
  )
    return undefined
  return data as unknown as StudioMessage
}

/** The frontend message in `data`, or `undefined` for anything that is not one. */
export function readFrontendMessage(data: unknown): FrontendMessage | undefined {
  if (!isEnvelope(data) || !FRONTEND_TYPES.has(data.type)) return undefined
  return data as unknown as FrontendMessage
}

function isEnvelope(data: unknown): data is Record<string, unknown> & { type: string } {
  return (
    isRecord(data) &&
    data.channel === CHANNEL &&
    data.version === PROTOCOL_VERSION &&
    typeof data.type === 'string'
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Normalises configured origins (`https://cms.example/admin` → `https://cms.example`) and
 * refuses `'*'`, `null` and anything that is not http(s): a wildcard would let any page
 * drive the overlay or read drafts over the channel.
 */
export function normaliseOrigins(origins: readonly string[], name: string): string[] {
  if (!Array.isArray(origins) || origins.length === 0)
    throw new TypeError(`${name} must list at least one origin, e.g. ["https://cms.example"].`)
  return origins.map((origin) => {
    if (origin === '*' || origin === 'null')
      throw new TypeError(`${name} may not contain "${origin}": list each origin exactly.`)
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new TypeError(
        `${name} must hold absolute http(s) origins; got ${JSON.stringify(origin)}.`,
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`${name} must hold http(s) origins; got ${JSON.stringify(origin)}.`)
    return url.origin
  })
}
