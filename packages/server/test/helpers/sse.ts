/** A server-sent event as a client parses it; `comment` for `:` lines. */
export interface SseEvent {
  id?: string
  event?: string
  data?: any
  comment?: string
}

/**
 * Read a `text/event-stream` body event by event, as EventSource would parse it.
 * `next(ms)` resolves with the next event, or undefined after `ms` without one.
 */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const queue: SseEvent[] = []
  let done = false
  let error: unknown
  const waiter: { wake: (() => void) | null } = { wake: null }
  void (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read()
        if (end) break
        buffer += decoder.decode(value, { stream: true })
        let at: number
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          const ev: SseEvent = {}
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) ev.comment = line.slice(1).trim()
            else {
              const i = line.indexOf(':')
              const field = line.slice(0, i)
              const value = line.slice(i + 1).replace(/^ /, '')
              if (field === 'data') ev.data = JSON.parse(value)
              else if (field === 'id') ev.id = value
              else if (field === 'event') ev.event = value
            }
          }
          if (!block.startsWith('retry:')) queue.push(ev)
        }
        waiter.wake?.()
      }
    } catch (err) {
      error = err
    } finally {
      done = true
      waiter.wake?.()
    }
  })()
  const next = async (ms = 2000, skipComments = true): Promise<SseEvent | undefined> => {
    const end = Date.now() + ms
    for (;;) {
      while (queue.length) {
        const ev = queue.shift()!
        if (skipComments && ev.comment !== undefined && ev.data === undefined) continue
        return ev
      }
      if (done || Date.now() >= end) return undefined
      await new Promise<void>((r) => {
        waiter.wake = r
        setTimeout(r, Math.max(1, end - Date.now()))
      })
      waiter.wake = null
    }
  }
  /** Every event that arrives within `ms`. */
  const drain = async (ms = 300): Promise<SseEvent[]> => {
    const out: SseEvent[] = []
    for (;;) {
      const ev = await next(ms)
      if (!ev) return out
      out.push(ev)
    }
  }
  return {
    next,
    drain,
    get ended() {
      return done
    },
    get error() {
      return error
    },
    close: () => reader.cancel().catch(() => {}),
  }
}
