import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Galley } from '@galley/core'
import type { ChangeFeed, FeedEntry } from '@galley/core/storage'
import { EVENT_DEFAULTS, EventHub } from './event-hub'
import { EventListener, MAX_SEEN } from './event-listener'

const entry = (seq: number): FeedEntry => ({
  seq,
  kind: 'collection',
  collection: 'posts',
  id: `p${seq}`,
  operation: 'publish',
  published: true,
  status: 'published',
  rev: `r${seq}`,
  at: '2026-01-01T00:00:00.000Z',
})

/** A feed holding entries `oldest..latest`, and an engine with one open collection. */
function fakes(oldest: number, latest: number) {
  let entries = Array.from({ length: latest - oldest + 1 }, (_, i) => entry(oldest + i))
  const unwatch = vi.fn()
  const unsubscribe = vi.fn()
  let wake: () => void = () => {}
  const feed: ChangeFeed = {
    latest: async () => entries.at(-1)?.seq ?? 0,
    oldest: async () => entries[0]?.seq ?? 0,
    read: async (after, limit) => entries.filter((e) => e.seq > after).slice(0, limit),
    watch: (fn) => {
      wake = fn
      return unwatch
    },
  }
  const galley = {
    config: {
      collections: new Map([['posts', { slug: 'posts', access: {} }]]),
      globals: new Map(),
    },
    subscribe: () => unsubscribe,
    dataVersion: () => undefined,
  } as unknown as Galley
  return {
    feed,
    galley,
    unwatch,
    unsubscribe,
    append: (seq: number) => {
      entries = [...entries, entry(seq)]
      wake()
    },
  }
}

async function text(stream: ReadableStream<Uint8Array>, until: RegExp): Promise<string> {
  const reader = stream.getReader()
  let out = ''
  while (!until.test(out)) {
    const { value, done } = await reader.read()
    if (done) break
    out += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  return out
}

describe('EventHub', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a Last-Event-ID older than the feed keeps: reset, then live events', async () => {
    const f = fakes(50, 100)
    const hub = new EventHub(f.galley, f.feed, { ...EVENT_DEFAULTS })
    const l = await hub.connect(null, 10)
    const first = await text(l.stream, /event: reset/)
    expect(first).toMatch(
      /^retry: 2000\n\nid: 100\nevent: reset\ndata: \{"seq":100,"reason":"trimmed"\}\n\n/,
    )
    expect(first).not.toMatch(/"id":"p5\d"/) // nothing half-replayed
    f.append(101)
    const live = await text(l.stream, /id: 101/)
    expect(live).toMatch(/id: 101\ndata: \{"kind":"collection","collection":"posts","id":"p101"/)
    hub.close()
  })

  it('a Last-Event-ID within the feed replays exactly what came after it', async () => {
    const f = fakes(50, 60)
    const hub = new EventHub(f.galley, f.feed, { ...EVENT_DEFAULTS })
    const l = await hub.connect(null, 57)
    const got = await text(l.stream, /id: 60\n/)
    expect([...got.matchAll(/^id: (\d+)$/gm)].map((m) => m[1])).toEqual(['58', '59', '60'])
    hub.close()
  })

  it('stops watching the feed a while after its last listener left, and starts again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    const f = fakes(1, 3)
    const hub = new EventHub(f.galley, f.feed, { ...EVENT_DEFAULTS })
    const l = await hub.connect(null, undefined)
    l.close()
    expect(hub.size).toBe(0)
    vi.advanceTimersByTime(29_000)
    expect(f.unwatch).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1_000)
    expect(f.unwatch).toHaveBeenCalledOnce()
    expect(f.unsubscribe).toHaveBeenCalledOnce()
    const again = await hub.connect(null, undefined)
    expect(hub.size).toBe(1)
    again.close()
    hub.close()
  })
})

describe('EventListener.viewOf', () => {
  const listener = () =>
    new EventListener({ user: null, cursor: 0, maxBufferBytes: 1024, onClose: () => {} })

  it('announces a removal only to a listener that could read the document last', () => {
    const l = listener()
    const removal = { view: null, after: null, ifSeen: 'published' } as const
    expect(l.viewOf('d', removal)).toBeNull() // never seen
    expect(l.viewOf('d', { view: 'published', after: 'published' })).toBe('published')
    expect(l.viewOf('d', { view: null })).toBeNull() // a draft save: nothing learnt
    expect(l.viewOf('d', removal)).toBe('published')
    expect(l.viewOf('d', removal)).toBeNull() // forgotten with the removal
    l.viewOf('e', { view: 'published', after: 'published' })
    // No longer readable: it hears the document leave its view, once.
    expect(l.viewOf('e', { view: null, after: null })).toBe('left:published')
    expect(l.viewOf('e', { view: null, after: null })).toBeNull()
    expect(l.viewOf('e', removal)).toBeNull()
  })

  it(`remembers at most ${MAX_SEEN} documents, the least recently changed dropped first`, () => {
    const l = listener()
    for (let i = 0; i <= MAX_SEEN; i++) l.viewOf(`d${i}`, { view: 'drafts', after: 'drafts' })
    const removal = { view: null, after: null, ifSeen: 'drafts' } as const
    expect(l.viewOf('d0', removal)).toBeNull()
    expect(l.viewOf('d1', removal)).toBe('drafts')
    expect(l.viewOf(`d${MAX_SEEN}`, removal)).toBe('drafts')
  })
})
