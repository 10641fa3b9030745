import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../api/api-client'
import type { Doc } from '../api/documents'
import { DocumentSession } from './document-session'

const DOC: Doc = {
  id: 'p1',
  _status: 'draft',
  _variant: 'draft',
  _rev: 'r0',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  title: '',
}

/** A server answering each PATCH after `delay` ms with a new revision; records what was sent. */
function fakeServer(delay: number) {
  const sent: Array<{ title: unknown; ifMatch: string | null }> = []
  let rev = 0
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>
    const ifMatch = (init.headers as Record<string, string>)['If-Match'] ?? null
    sent.push({ title: body.title, ifMatch })
    await new Promise((r) => setTimeout(r, delay))
    rev++
    return new Response(JSON.stringify({ ...DOC, ...body, _rev: `r${rev}` }), { status: 200 })
  })
  return sent
}

function session(interval = 800) {
  const s = new DocumentSession(
    {
      kind: 'collection',
      slug: 'posts',
      drafts: true,
      autosave: true,
      autosaveInterval: interval,
      fields: [{ name: 'title', type: 'text', label: 'Title', required: false }],
      canWrite: true,
    },
    DOC,
  )
  s.attach()
  return s
}

describe('DocumentSession autosave', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    setCsrfToken('csrf')
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('saves during continuous typing, keeps every character, and names the revision each time', async () => {
    const sent = fakeServer(300)
    const s = session(800)
    const text = 'Typing on without a single pause, for several seconds.'
    let typed = ''
    for (const ch of text) {
      typed += ch
      s.store.set('title', typed)
      await vi.advanceTimersByTimeAsync(90)
    }
    await vi.advanceTimersByTimeAsync(3000)
    // About five seconds of typing with no pause: saved along the way, not only at the end.
    expect(sent.length).toBeGreaterThanOrEqual(3)
    expect(sent.at(-1)!.title).toBe(text)
    expect(s.store.get('title')).toBe(text)
    // Each save built on the revision the one before it returned.
    expect(sent.map((x) => x.ifMatch)).toEqual(sent.map((_, i) => `"r${i}"`))
    expect(s.getState()).toMatchObject({ phase: 'saved', dirty: false, rev: `r${sent.length}` })
    // Every save sent a prefix of what was typed: nothing out of order.
    for (const x of sent) expect(text.startsWith(String(x.title))).toBe(true)
  })

  it('keeps a keystroke typed while a save is in flight, and saves it next', async () => {
    const sent = fakeServer(300)
    const s = session(100)
    s.store.set('title', 'a')
    await vi.advanceTimersByTimeAsync(150) // the save of "a" is in flight
    expect(sent).toHaveLength(1)
    s.store.set('title', 'ab')
    await vi.advanceTimersByTimeAsync(400) // "a" answered
    expect(s.store.get('title')).toBe('ab')
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent.map((x) => x.title)).toEqual(['a', 'ab'])
    expect(s.getState().dirty).toBe(false)
  })
})
