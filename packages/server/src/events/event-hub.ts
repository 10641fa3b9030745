import type { Galley } from '@galley/core'
import type { ChangeFeed, FeedEntry } from '@galley/core/storage'
import type { AuthUser } from '../auth/roles'
import { EventListener, HEARTBEAT, frame } from './event-listener'
import { type EntryCache, type Heard, messageOf, type Verdict, viewOf } from './event-visibility'

/** Options of the live event stream, `createServer({ events })`. */
export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing idle streams. Default 15000 ms. */
  heartbeatMs?: number
  /** Unread bytes a listener may have queued before it is cut off as too slow. Default 1 MiB. */
  maxBufferBytes?: number
  /** Listeners this server accepts at once; more get 503. Default 10000. */
  maxListeners?: number
  /**
   * Listeners one client address may hold at once; more get 429, so one client cannot take
   * every slot. Default a tenth of `maxListeners`, at most 100.
   */
  maxListenersPerClient?: number
  /**
   * How often to look for changes other processes committed: on SQLite the data version
   * (one `pread`) is checked this often; on PostgreSQL `LISTEN` wakes the server and the
   * feed is read this often only as a fallback (times 20). Default 50 ms.
   */
  pollMs?: number
}

export const EVENT_DEFAULTS = Object.freeze({
  heartbeatMs: 15_000,
  maxBufferBytes: 1024 * 1024,
  maxListeners: 10_000,
  maxListenersPerClient: 100,
  pollMs: 50,
})

const PAGE = 500
/** How long a server keeps reading the feed after its last listener left. */
const IDLE_MS = 30_000

/**
 * Delivers the store's change feed to this server's listeners. One reader per server: it
 * reads new feed entries when woken — by a commit of this engine, by another process
 * (SQLite: the data version moved; PostgreSQL: `NOTIFY`), or by a slow fallback poll —
 * decides once per entry and listener group (same user) what they may hear, encodes each
 * message once, and queues it on every listener of the group. A listener never waits for
 * another: queuing is synchronous and bounded per listener.
 */
export class EventHub {
  readonly #galley: Galley
  readonly #feed: ChangeFeed
  readonly #opts: Required<EventStreamOptions>
  readonly #listeners = new Set<EventListener>()
  #last = 0
  #started: Promise<void> | null = null
  #running = false
  #again = false
  #stop: Array<() => void> = []
  #idle: ReturnType<typeof setTimeout> | undefined

  constructor(galley: Galley, feed: ChangeFeed, opts: Required<EventStreamOptions>) {
    this.#galley = galley
    this.#feed = feed
    this.#opts = opts
  }

  get size(): number {
    return this.#listeners.size
  }

  /** Add a listener resuming after `lastEventId` (or from now); its stream is the response body. */
  async connect(
    user: AuthUser | null,
    lastEventId: number | undefined,
    onClose?: () => void,
    /** For a preview session's stream: whether its grant still holds (see `stillHeld`). */
    live?: () => Promise<boolean>,
  ): Promise<EventListener> {
    for (;;) {
      const started = this.#start()
      await started
      if (this.#started === started) break // not halted meanwhile
    }
    clearTimeout(this.#idle)
    const resume = lastEventId !== undefined && lastEventId < this.#last
    const listener = new EventListener({
      user,
      cursor: resume ? lastEventId : this.#last,
      maxBufferBytes: this.#opts.maxBufferBytes,
      live,
      onClose: (l) => {
        this.#remove(l)
        onClose?.()
      },
    })
    this.#listeners.add(listener)
    listener.send(encodeRetry())
    if (!resume) {
      listener.send(frame({ id: this.#last, event: 'ready', data: { seq: this.#last } }))
      return listener
    }
    listener.held = []
    void this.#replay(listener, lastEventId).catch(() => listener.close())
    return listener
  }

  /** Stop: every stream ends, timers and watches stop. */
  close(): void {
    this.#halt()
    for (const l of [...this.#listeners]) l.close()
  }

  #halt(): void {
    clearTimeout(this.#idle)
    for (const stop of this.#stop.splice(0)) stop()
    this.#started = null
  }

  #remove(l: EventListener): void {
    this.#listeners.delete(l)
    // Nobody listens: after a while stop polling and watching (the next listener starts again).
    if (this.#listeners.size === 0 && this.#started) {
      clearTimeout(this.#idle)
      this.#idle = setTimeout(() => {
        if (this.#listeners.size === 0) this.#halt()
      }, IDLE_MS)
      this.#idle.unref()
    }
  }

  #start(): Promise<void> {
    this.#started ??= (async () => {
      this.#last = await this.#feed.latest()
      const wake = () => this.#pump()
      this.#stop.push(this.#galley.subscribe(wake))
      if (this.#feed.watch) this.#stop.push(this.#feed.watch(wake))
      let version = this.#galley.dataVersion()
      let ticks = 0
      // The data version moves with every commit on SQLite, by any process: cheap to ask
      // often. Without one (PostgreSQL) NOTIFY wakes us; reading the feed is the fallback.
      const poll = setInterval(() => {
        const v = this.#galley.dataVersion()
        if (v !== undefined ? v !== version : ++ticks % 20 === 0) {
          version = v
          this.#pump()
        }
      }, this.#opts.pollMs)
      poll.unref()
      const beat = setInterval(() => {
        for (const l of [...this.#listeners]) l.send(HEARTBEAT)
      }, this.#opts.heartbeatMs)
      beat.unref()
      this.#stop.push(
        () => clearInterval(poll),
        () => clearInterval(beat),
      )
    })()
    return this.#started
  }

  /** Read and deliver everything after the last entry delivered; one run at a time. */
  #pump(): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void (async () => {
      try {
        do {
          this.#again = false
          for (;;) {
            const entries = await this.#feed.read(this.#last, PAGE)
            for (const e of entries) {
              await this.#deliver(e, [...this.#listeners])
              this.#last = e.seq
            }
            if (entries.length < PAGE) break
          }
        } while (this.#again)
      } catch {
        // The store is unreachable for now: the next wake-up or poll tries again.
      } finally {
        this.#running = false
      }
    })()
  }

  async #deliver(entry: FeedEntry, listeners: readonly EventListener[]): Promise<void> {
    const verdicts = new Map<string, Promise<Verdict>>()
    const cache: EntryCache = new Map()
    const bytes = new Map<Heard, Uint8Array | null>()
    const doc = docKeyOf(entry)
    for (const l of listeners) {
      // A preview session whose grant ended hears nothing more (its grant is checked from
      // memory: a revocation's commit has dropped it before this entry is read).
      if (l.live && !(await l.stillHeld())) continue
      let verdict = verdicts.get(l.key)
      if (!verdict) {
        verdict = viewOf(this.#galley, entry, l.user, cache).catch(() => NOTHING)
        verdicts.set(l.key, verdict)
      }
      const v = l.viewOf(doc, await verdict)
      let b = bytes.get(v)
      if (b === undefined) {
        b = v === null ? null : frame({ id: entry.seq, data: messageOf(entry, v) })
        bytes.set(v, b)
      }
      l.deliver(entry.seq, b)
    }
  }

  /** Send a resuming listener what it missed, then what arrived meanwhile. */
  async #replay(l: EventListener, after: number): Promise<void> {
    const oldest = await this.#feed.oldest()
    if (oldest === 0 || after < oldest - 1) {
      // The feed no longer holds what came right after `after`: start afresh.
      l.send(
        frame({ id: this.#last, event: 'reset', data: { seq: this.#last, reason: 'trimmed' } }),
      )
      l.cursor = this.#last
    }
    // Read up to whatever the feed holds now; live deliveries held meanwhile are deduplicated
    // by sequence number when released.
    while (!l.closed) {
      const entries = await this.#feed.read(l.cursor, PAGE)
      for (const e of entries) {
        if (l.live && !(await l.stillHeld())) return
        const verdict = await viewOf(this.#galley, e, l.user).catch(() => NOTHING)
        const v = l.viewOf(docKeyOf(e), verdict)
        if (v !== null) l.send(frame({ id: e.seq, data: messageOf(e, v) }))
        l.cursor = e.seq
      }
      if (entries.length < PAGE) break
    }
    l.release()
  }
}

/** What a listener hears when its verdict could not be reached (the store failed): nothing. */
const NOTHING: Verdict = { view: null }

/** The document a change is about, as listeners remember it. */
function docKeyOf(entry: FeedEntry): string {
  return `${entry.kind} ${entry.collection} ${entry.id}`
}

function encodeRetry(): Uint8Array {
  return new TextEncoder().encode('retry: 2000\n\n')
}
