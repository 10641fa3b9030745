import { afterEach, describe, expect, it, vi } from 'vitest'
import { proxyChangeStream } from './proxy-change-stream'
import { subscribeToChanges, type GalleyChange } from './subscribe-changes'

/** A stand-in EventSource: the test plays the server. */
class FakeEventSource {
  static made: FakeEventSource[] = []
  readyState = 0
  onmessage: ((e: MessageEvent) => void) | null = null
  onerror: ((e: Event) => void) | null = null
  listeners = new Map<string, (e: Event) => void>()
  closed = false
  constructor(
    readonly url: string,
    readonly init: { withCredentials?: boolean },
  ) {
    FakeEventSource.made.push(this)
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, fn)
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string, data: unknown, id?: string) {
    const e = { data: JSON.stringify(data), lastEventId: id ?? '' } as MessageEvent
    if (type === 'message') this.onmessage?.(e)
    else this.listeners.get(type)?.(e)
  }
  fail(readyState: number) {
    this.readyState = readyState
    this.onerror?.(new Event('error'))
  }
}

const change = { kind: 'collection', collection: 'posts', id: 'a', operation: 'publish' }

describe('subscribeToChanges', () => {
  afterEach(() => {
    FakeEventSource.made = []
    vi.useRealTimers()
  })

  it('hands on changes with their event id; ready and reset move the resume point', () => {
    const got: GalleyChange[] = []
    const onReset = vi.fn()
    const sub = subscribeToChanges({
      url: 'https://cms.example/',
      onChange: (c) => got.push(c),
      onReset,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      withCredentials: true,
    })
    const es = FakeEventSource.made[0]!
    expect(es.url).toBe('https://cms.example/api/events')
    expect(es.init.withCredentials).toBe(true)
    es.emit('ready', { seq: 4 }, '4')
    expect(sub.lastEventId).toBe('4')
    es.emit('message', change, '5')
    expect(got).toEqual([{ ...change, eventId: '5' }])
    es.emit('reset', { seq: 9 }, '9')
    expect(onReset).toHaveBeenCalledOnce()
    expect(sub.lastEventId).toBe('9')
    sub.close()
    expect(es.closed).toBe(true)
  })

  it('lets EventSource retry by itself; when it gives up, reconnects after the last id', () => {
    vi.useFakeTimers()
    const onError = vi.fn()
    const sub = subscribeToChanges({
      url: 'https://cms.example',
      onChange: () => {},
      onError,
      lastEventId: '3',
      retry: { minMs: 100, maxMs: 400 },
      EventSource: FakeEventSource as unknown as typeof EventSource,
    })
    const first = FakeEventSource.made[0]!
    expect(first.url).toBe('https://cms.example/api/events?lastEventId=3')
    first.emit('message', change, '7')
    first.fail(0) // CONNECTING: the browser retries itself
    vi.advanceTimersByTime(1000)
    expect(FakeEventSource.made).toHaveLength(1)
    first.fail(2) // CLOSED: an HTTP error, it gave up
    expect(first.closed).toBe(true)
    vi.advanceTimersByTime(99)
    expect(FakeEventSource.made).toHaveLength(1)
    vi.advanceTimersByTime(1)
    const second = FakeEventSource.made[1]!
    expect(second.url).toBe('https://cms.example/api/events?lastEventId=7')
    second.fail(2)
    vi.advanceTimersByTime(199) // backoff doubles
    expect(FakeEventSource.made).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.made).toHaveLength(3)
    expect(onError).toHaveBeenCalledTimes(3)
    sub.close()
    FakeEventSource.made[2]!.fail(2)
    vi.advanceTimersByTime(10_000)
    expect(FakeEventSource.made).toHaveLength(3) // closed: no more attempts
  })

  it('with a token reads the stream through fetch, sending it and Last-Event-ID', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        const enc = new TextEncoder()
        c.enqueue(
          enc.encode('retry: 2000\n\nid: 10\nevent: ready\ndata: {"seq":10}\n\n: heartbeat\n\n'),
        )
        c.enqueue(enc.encode(`id: 11\r\ndata: ${JSON.stringify(change)}\r\n\r\n`))
      },
    })
    const fetch = vi.fn(async () => new Response(body, { status: 200 }))
    const got: GalleyChange[] = []
    const sub = subscribeToChanges({
      url: 'http://127.0.0.1:4000',
      token: 'gly_x',
      lastEventId: '9',
      onChange: (c) => got.push(c),
      fetch: fetch as unknown as typeof globalThis.fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    })
    await vi.waitFor(() => expect(got).toHaveLength(1))
    expect(FakeEventSource.made).toHaveLength(0)
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('http://127.0.0.1:4000/api/events?lastEventId=9')
    expect(init.headers).toMatchObject({ authorization: 'Bearer gly_x', 'last-event-id': '9' })
    expect(got[0]).toEqual({ ...change, eventId: '11' })
    expect(sub.lastEventId).toBe('11')
    sub.close()
  })

  it('a preview session sends its grant; the stream ending it (or a 403 PREVIEW_ENDED) stops it for good', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        const enc = new TextEncoder()
        c.enqueue(enc.encode('id: 3\nevent: ready\ndata: {"seq":3}\n\n'))
        c.enqueue(enc.encode('event: ended\ndata: {"code":"PREVIEW_ENDED"}\n\n'))
        c.close()
      },
    })
    const fetch = vi.fn(async () => new Response(body, { status: 200 }))
    const onEnded = vi.fn()
    const onError = vi.fn()
    subscribeToChanges({
      url: 'http://127.0.0.1:4000',
      previewGrant: 'grant_1',
      onChange: () => {},
      onEnded,
      onError,
      fetch: fetch as unknown as typeof globalThis.fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    })
    await vi.waitFor(() => expect(onEnded).toHaveBeenCalledOnce())
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(init.headers).toMatchObject({ 'Galley-Preview-Grant': 'grant_1' })
    await new Promise((r) => setTimeout(r, 50))
    expect(fetch).toHaveBeenCalledOnce()
    expect(onError).not.toHaveBeenCalled()
    // Ended before it connected: the 403 says so.
    const refused = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: { code: 'PREVIEW_ENDED', message: 'ended' } }), {
          status: 403,
        }),
    )
    const ended = vi.fn()
    subscribeToChanges({
      url: 'http://127.0.0.1:4000',
      previewGrant: 'grant_1',
      onChange: () => {},
      onEnded: ended,
      fetch: refused as unknown as typeof globalThis.fetch,
    })
    await vi.waitFor(() => expect(ended).toHaveBeenCalledOnce())
    await new Promise((r) => setTimeout(r, 50))
    expect(refused).toHaveBeenCalledOnce()
  })

  it('through EventSource (a proxied page), an ended event stops it with no reconnect', () => {
    vi.useFakeTimers()
    const onEnded = vi.fn()
    subscribeToChanges({
      url: 'https://site.example',
      path: '/api/galley-events',
      onChange: () => {},
      onEnded,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    })
    const es = FakeEventSource.made[0]!
    es.emit('ended', { code: 'PREVIEW_ENDED' })
    expect(onEnded).toHaveBeenCalledOnce()
    expect(es.closed).toBe(true)
    es.fail(2)
    vi.advanceTimersByTime(120_000)
    expect(FakeEventSource.made).toHaveLength(1)
  })

  it('proxyChangeStream forwards the grant, and answers an ended session with the ended event', async () => {
    const seen: Record<string, string>[] = []
    const upstream = vi.fn(async (_url: string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>)
      return new Response(JSON.stringify({ error: { code: 'PREVIEW_ENDED', message: 'x' } }), {
        status: 403,
      })
    })
    const res = await proxyChangeStream(new Request('https://site.example/api/galley-events'), {
      url: 'https://cms.example',
      token: 'gly_t',
      previewGrant: 'grant_9',
      fetch: upstream as unknown as typeof globalThis.fetch,
    })
    expect(seen[0]).toMatchObject({
      'Galley-Preview-Grant': 'grant_9',
      authorization: 'Bearer gly_t',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    expect(await res.text()).toMatch(/event: ended\ndata: \{"code":"PREVIEW_ENDED"/)
    // Another 403 (a bad token) is still this route's 502.
    const refused = vi.fn(async () => new Response('{}', { status: 403 }))
    const bad = await proxyChangeStream(new Request('https://site.example/e'), {
      url: 'https://cms.example',
      token: 'gly_t',
      fetch: refused as unknown as typeof globalThis.fetch,
    })
    expect(bad.status).toBe(502)
  })

  it('refuses a missing url or callback, saying what is needed', () => {
    expect(() => subscribeToChanges({} as never)).toThrow(/`url` and `onChange` are required/)
    expect(() => subscribeToChanges({ url: 'ftp://x', onChange() {} })).toThrow(/http\(s\)/)
    expect(() =>
      subscribeToChanges({ url: 'https://x', path: '//evil.example/e', onChange() {} }),
    ).toThrow(/single \//)
    const sub = subscribeToChanges({
      url: 'https://site.example',
      path: '/api/galley-events',
      onChange() {},
      EventSource: FakeEventSource as unknown as typeof EventSource,
    })
    expect(FakeEventSource.made.at(-1)!.url).toBe('https://site.example/api/galley-events')
    sub.close()
  })
})
