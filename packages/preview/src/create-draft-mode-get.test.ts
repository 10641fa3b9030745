import { describe, expect, it } from 'vitest'
import { fakeValidationClient, KEY_A, KEY_B } from '../test/fake-validation-client'
import { SECRET, SITE, cookieFrom, enableUrl, setup } from '../test/draft-mode-fixtures'
import { createCookieSigner } from './cookie-signer'
import { createDraftMode } from './create-draft-mode'

describe('createDraftMode().get', () => {
  const get = (draftMode: ReturnType<typeof createDraftMode>, cookie?: string) =>
    draftMode.get(new Request(SITE, { headers: cookie ? { cookie } : {} }))

  it('is disabled without a cookie', async () => {
    const { draftMode } = setup()
    expect(await get(draftMode)).toEqual({
      isEnabled: false,
      perspective: 'published',
      expiresAt: null,
      grant: null,
    })
  })

  it('ignores a merely-present or hand-made cookie', async () => {
    const { draftMode } = setup()
    for (const cookie of [
      '__galley_draft=drafts',
      '__galley_draft=1',
      'galley-preview-perspective=drafts',
      '__prerender_bypass=abc',
      `__galley_draft=v1.${btoa('{"p":"drafts","e":99999999999999}')}.${'A'.repeat(43)}`,
    ]) {
      expect((await get(draftMode, cookie)).isEnabled).toBe(false)
    }
  })

  it('ignores expired, altered and differently-keyed cookies', async () => {
    const { draftMode } = setup()
    const hour = new Date(Date.now() + 3600_000)
    const expired = await createCookieSigner(KEY_A).sign('__galley_draft', {
      perspective: 'drafts',
      expiresAt: new Date(Date.now() - 1),
    })
    const otherKey = await createCookieSigner(KEY_B).sign('__galley_draft', {
      perspective: 'drafts',
      expiresAt: hour,
    })
    const good = await createCookieSigner(KEY_A).sign('__galley_draft', {
      perspective: 'drafts',
      expiresAt: hour,
    })
    const altered = good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
    for (const value of [expired, otherKey, altered]) {
      expect((await get(draftMode, `__galley_draft=${value}`)).isEnabled).toBe(false)
    }
    expect((await get(draftMode, `__galley_draft=${good}`)).isEnabled).toBe(true)
  })

  it('accepts cookies signed with an older key after rotation', async () => {
    const { draftMode: before } = setup()
    const res = await before.enable(new Request(enableUrl(SECRET)))
    const { draftMode: after } = setup({ cookieSecret: [KEY_B, KEY_A] })
    const { draftMode: retired } = setup({ cookieSecret: [KEY_B] })
    expect((await get(after, cookieFrom(res))).isEnabled).toBe(true)
    expect((await get(retired, cookieFrom(res))).isEnabled).toBe(false)
  })

  it('finds the valid one among several cookies of that name', async () => {
    const { draftMode } = setup()
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect((await get(draftMode, `__galley_draft=forged; ${cookieFrom(res)}`)).isEnabled).toBe(true)
  })

  it('uses the configured cookie name', async () => {
    const { draftMode } = setup({ cookieName: 'site_preview' })
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect(res.headers.getSetCookie()[0]).toMatch(/^site_preview=v1\./)
    expect((await get(draftMode, cookieFrom(res))).isEnabled).toBe(true)
  })
})

describe('createDraftMode options', () => {
  it('refuses a weak cookieSecret, a bad cookie name and a missing client at construction', () => {
    const client = fakeValidationClient({})
    expect(() => createDraftMode({ client, cookieSecret: 'too-short' })).toThrow(/at least 32/)
    expect(() => createDraftMode({ client, cookieSecret: KEY_A, cookieName: 'bad name;' })).toThrow(
      /cookie name/,
    )
    expect(() => createDraftMode({ client: {} as never, cookieSecret: KEY_A })).toThrow(
      /validatePreviewSecret/,
    )
  })
})

describe('createDraftMode rateLimit (per visitor)', () => {
  const from = (url: string, xff: string) =>
    new Request(url, { headers: { 'x-forwarded-for': xff } })

  it('attack: junk from one visitor never blocks a genuine secret from another', async () => {
    const { draftMode, client } = setup({ rateLimit: { maxFailures: 3, trustProxy: true } })
    // The attacker rotates the client-written left end; the proxy appends 198.51.100.66.
    const statuses: number[] = []
    for (let i = 0; i < 20; i++)
      statuses.push(
        (await draftMode.enable(from(enableUrl(`junk-${i}`), `10.9.${i}.1, 198.51.100.66`))).status,
      )
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true)
    // Once limited, the attacker's tries no longer reach the Galley server.
    expect(client.calls).toHaveLength(3)
    const editor = await draftMode.enable(from(enableUrl(SECRET), '203.0.113.5'))
    expect(editor.status).toBe(307)
    expect(editor.headers.getSetCookie()).toHaveLength(1)
  })

  it('a limited visitor gets 429 with Retry-After and no secret in the answer; good secrets do not count', async () => {
    const { draftMode } = setup({
      rateLimit: { maxFailures: 2, getClientAddress: (r) => r.headers.get('cf-connecting-ip') },
    })
    const as = (secret: string) =>
      draftMode.enable(
        new Request(enableUrl(secret), { headers: { 'cf-connecting-ip': '192.0.2.7' } }),
      )
    expect((await as('wrong-one')).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await as(SECRET)).status).toBe(307)
    expect((await as('wrong-two')).status).toBe(401)
    const blocked = await as(SECRET)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(blocked.headers.getSetCookie()).toEqual([])
    expect(await blocked.text()).not.toContain(SECRET)
  })

  it('refuses a limiter that cannot tell visitors apart', () => {
    const client = fakeValidationClient({})
    expect(() => createDraftMode({ client, cookieSecret: KEY_A, rateLimit: {} })).toThrow(
      /getClientAddress|trustProxy/,
    )
    expect(() =>
      createDraftMode({
        client,
        cookieSecret: KEY_A,
        rateLimit: { trustProxy: true, maxFailures: 0 },
      }),
    ).toThrow(/maxFailures/)
  })
})
