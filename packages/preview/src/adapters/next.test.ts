import { describe, expect, it } from 'vitest'
import { fakeValidationClient, inSeconds, KEY_A } from '../../test/fake-validation-client'
import { createNextDraftModeHandlers, type NextHeadersModule } from './next'

/** A stand-in for `next/headers`: a cookie jar and Next's own draft-mode flag. */
function fakeNextHeaders() {
  const state = {
    nextDraftMode: false,
    cookies: [] as { name: string; value: string }[],
    set: [] as Record<string, unknown>[],
  }
  const mod: NextHeadersModule = {
    // Next 15 returns promises; the adapter must await them.
    draftMode: async () => ({
      enable: () => {
        state.nextDraftMode = true
        state.cookies.push({ name: '__prerender_bypass', value: 'b1' })
      },
      disable: () => void (state.nextDraftMode = false),
    }),
    cookies: async () => ({
      getAll: () => state.cookies,
      set: (cookie: Record<string, unknown>) => void state.set.push(cookie),
    }),
  }
  return { state, load: async () => mod }
}

function setup() {
  const next = fakeNextHeaders()
  const handlers = createNextDraftModeHandlers({
    client: fakeValidationClient({
      s: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(600) },
    }),
    cookieSecret: KEY_A,
    loadNextHeaders: next.load,
  })
  return { next, handlers }
}

const enable = (secret: string) =>
  new Request(
    `https://site.test/api/draft-mode/enable?galley-preview-secret=${secret}&galley-preview-pathname=/a`,
  )

describe('createNextDraftModeHandlers', () => {
  it("enables Galley's cookie and Next's draft mode together", async () => {
    const { next, handlers } = setup()
    const res = await handlers.enable.GET(enable('s'))
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('/a')
    expect(next.state.nextDraftMode).toBe(true)

    const [name, value] = res.headers.getSetCookie()[0].split(';')[0].split('=')
    next.state.cookies = [
      { name: 'other', value: 'x' },
      { name, value },
    ]
    expect(await handlers.getDraftMode()).toMatchObject({ isEnabled: true, perspective: 'drafts' })
  })

  it("partitions Next's own draft-mode cookie inside a frame, and only there", async () => {
    const top = setup()
    await top.handlers.enable.GET(enable('s'))
    expect(top.next.state.set).toEqual([])
    const framed = setup()
    const request = enable('s')
    const res = await framed.handlers.enable.GET(
      new Request(request.url, { headers: { 'Sec-Fetch-Dest': 'iframe' } }),
    )
    expect(res.status).toBe(307)
    expect(framed.next.state.set).toEqual([
      {
        name: '__prerender_bypass',
        value: 'b1',
        httpOnly: true,
        secure: true,
        sameSite: 'none',
        path: '/',
        partitioned: true,
      },
    ])
    expect(res.headers.getSetCookie()[0]).toMatch(/Partitioned/i)
  })

  it("leaves Next's draft mode off for a bad secret", async () => {
    const { next, handlers } = setup()
    expect((await handlers.enable.GET(enable('bad'))).status).toBe(401)
    expect(next.state.nextDraftMode).toBe(false)
  })

  it('disables both on POST, and refuses GET', async () => {
    const { next, handlers } = setup()
    await handlers.enable.GET(enable('s'))
    const url = 'https://site.test/api/draft-mode/disable'
    const get = await handlers.disable.GET(new Request(url))
    expect(get.status).toBe(405)
    expect(next.state.nextDraftMode).toBe(true)
    const post = await handlers.disable.POST(new Request(url, { method: 'POST' }))
    expect(post.status).toBe(200)
    expect(next.state.nextDraftMode).toBe(false)
  })

  it('clears one Galley cookie per context, since Next merges Set-Cookie by name', async () => {
    const { handlers } = setup()
    const url = 'https://site.test/api/draft-mode/disable'
    const cleared = async (headers: Record<string, string>) =>
      (await handlers.disable.POST(new Request(url, { method: 'POST', headers }))).headers
        .getSetCookie()
        .filter((c) => c.startsWith('__galley_draft='))
    const top = await cleared({})
    expect(top).toHaveLength(1)
    expect(top[0]).toMatch(/Expires=Thu, 01 Jan 1970/)
    expect(top[0]).not.toMatch(/Partitioned/i)
    const framed = await cleared({ 'Sec-Fetch-Dest': 'iframe' })
    expect(framed).toHaveLength(1)
    expect(framed[0]).toMatch(/Partitioned/)
  })

  it('reads draft mode as off from a hand-set cookie', async () => {
    const { next, handlers } = setup()
    next.state.cookies = [{ name: '__galley_draft', value: 'drafts' }]
    expect((await handlers.getDraftMode()).isEnabled).toBe(false)
    next.state.cookies = []
    expect((await handlers.getDraftMode()).isEnabled).toBe(false)
  })
})
