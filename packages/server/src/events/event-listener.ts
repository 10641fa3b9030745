import type { AuthUser } from '../auth/roles'
import type { Heard, Verdict, View } from './event-visibility'

const encoder = new TextEncoder()

/** One server-sent-event frame, encoded once and shared by every listener it goes to. */
export function frame(fields: { id?: number; event?: string; data?: unknown }): Uint8Array {
  let text = ''
  if (fields.id !== undefined) text += `id: ${fields.id}\n`
  if (fields.event) text += `event: ${fields.event}\n`
  text += `data: ${JSON.stringify(fields.data ?? {})}\n\n`
  return encoder.encode(text)
}

/** Documents a listener remembers it could read (for their delete), at the most. */
export const MAX_SEEN = 10_000

/** A comment line: keeps proxies from closing an idle stream, and shows a dead one. */
export const HEARTBEAT = encoder.encode(': heartbeat\n\n')

/**
 * One connected listener: a byte stream of server-sent events with a bounded buffer. What
 * the client has not read yet waits in the stream's queue; once that passes `maxBufferBytes`
 * the listener is too slow, and it is cut off instead of holding memory or the server up
 * (its client reconnects with `Last-Event-ID` and reads what it missed from the feed).
 */
export class EventListener {
  readonly stream: ReadableStream<Uint8Array>
  /** Who listens: decides what it hears. */
  readonly user: AuthUser | null
  /** Listeners with the same key hear the same events (one decision per event and key). */
  readonly key: string
  /** The newest sequence number this listener has been given (or skipped as not its own). */
  cursor: number
  /** While the backlog after `Last-Event-ID` is read, live events wait here. */
  held: Array<{ seq: number; bytes: Uint8Array }> | null = null
  closed = false
  /**
   * Documents under a where rule that this listener could read after their last change it
   * was given (and in which view), so that their delete is announced to it and to no one
   * else. At most `MAX_SEEN`, the least recently changed dropped first.
   */
  readonly #seen = new Map<string, View>()
  #controller!: ReadableStreamDefaultController<Uint8Array>
  readonly #onClose: (l: EventListener) => void
  /** For a stream opened in a preview session: whether its grant still holds. */
  readonly live: (() => Promise<boolean>) | undefined

  constructor(opts: {
    user: AuthUser | null
    cursor: number
    maxBufferBytes: number
    onClose: (l: EventListener) => void
    live?: () => Promise<boolean>
  }) {
    this.live = opts.live
    this.user = opts.user
    this.key = opts.user === null ? 'anonymous' : `${opts.user.kind}:${opts.user.id}`
    this.cursor = opts.cursor
    this.#onClose = opts.onClose
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller
        },
        cancel: () => this.#end(),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: opts.maxBufferBytes }),
    )
  }

  /**
   * Whether this listener may go on hearing: a stream of a preview session whose grant was
   * revoked or expired is told so (`event: ended`, code `PREVIEW_ENDED`) and closed. When
   * the check itself fails (the store is unreachable) nothing is delivered either, but the
   * stream only closes: the client reconnects, and the grant check of that request decides.
   */
  async stillHeld(): Promise<boolean> {
    if (this.closed) return false
    if (!this.live) return true
    let live: boolean
    try {
      live = await this.live()
    } catch {
      this.close()
      return false
    }
    if (live) return !this.closed
    this.send(
      frame({
        event: 'ended',
        data: { code: 'PREVIEW_ENDED', message: 'The preview link was revoked or expired.' },
      }),
    )
    this.close()
    return false
  }

  /** Queue bytes; cuts the listener off when its unread bytes pass the bound. */
  send(bytes: Uint8Array): void {
    if (this.closed) return
    this.#controller.enqueue(bytes)
    if ((this.#controller.desiredSize ?? 0) < 0) {
      // Dropping the queue (error, not close): nothing more is held for a reader that stalls.
      this.#controller.error(new Error('The listener fell too far behind.'))
      this.#end()
    }
  }

  /**
   * What this listener hears of a change of document `doc`, by its group's verdict: a
   * removal marked `ifSeen` only if it could read the document after its last change; a
   * change after which it can no longer read a document it could (`after` null) as the
   * document leaving its view; and it remembers what it can read after this one.
   */
  viewOf(doc: string, verdict: Verdict): Heard {
    const seen = this.#seen.get(doc)
    let view: Heard = verdict.ifSeen ? (seen ? verdict.ifSeen : null) : verdict.view
    if (view === null && verdict.after === null && !verdict.ifSeen && seen) view = `left:${seen}`
    if (verdict.after !== undefined || verdict.ifSeen) {
      this.#seen.delete(doc)
      if (verdict.after) {
        this.#seen.set(doc, verdict.after)
        if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value!)
      }
    }
    return view
  }

  /** Give this listener the event `seq` (or hold it while the backlog is read). */
  deliver(seq: number, bytes: Uint8Array | null): void {
    if (this.closed || seq <= this.cursor) return
    if (this.held) {
      if (bytes) this.held.push({ seq, bytes })
      return
    }
    this.cursor = seq
    if (bytes) this.send(bytes)
  }

  /** The backlog is sent: pass on what arrived meanwhile, newer than what it held. */
  release(): void {
    const held = this.held ?? []
    this.held = null
    for (const h of held) this.deliver(h.seq, h.bytes)
  }

  close(): void {
    if (this.closed) return
    try {
      this.#controller.close()
    } catch {
      // already errored
    }
    this.#end()
  }

  #end(): void {
    if (this.closed) return
    this.closed = true
    this.#onClose(this)
  }
}
