import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { fakeValidationClient, inSeconds, KEY_A, KEY_B } from '../test/fake-validation-client'
import { createCookieSigner } from './cookie-signer'
import { createDraftMode, type ResolvePathParams } from './create-draft-mode'

const SITE = 'https://site.test'
const SILENT = { warn() {}, error() {} }
const SECRET = 'VERY-SECRET-VALUE-123'

function setup(extra: Partial<Parameters<typeof createDraftMode>[0]> = {}) {
  const client = fakeValidationClient({
    [SECRET]: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(3600) },
    stacked: { isValid: true, perspective: 'spring,drafts,published', expiresAt: inSeconds(3600) },
    'stale-secret-xyz': { isValid: true, perspective: 'drafts', expiresAt: inSeconds(-5) },
  })
  const draftMode = createDraftMode({ client, cookieSecret: KEY_A, logger: SILENT, ...extra })
  return { client, draftMode }
}

const enableUrl = (secret: string, pathname = '/blog/hello', extra = '') =>
  `${SITE}/api/draft-mode/enable?galley-preview-secret=${encodeURIComponent(secret)}` +
  `&galley-preview-pathname=${encodeURIComponent(pathname)}${extra}`

/** The `name=value` part of the response's first Set-Cookie, as a browser would send it back. */
function cookieFrom(response: Response): string {
  const [setCookie] = response.headers.getSetCookie()
  return setCookie.split(';')[0]
}

describe('createDraftMode().enable', () => {
  it('sets a signed cookie and answers 307 to the sanitised target', async () => {
    const { draftMode } = setup()
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('/blog/hello')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const [setCookie, ...more] = res.headers.getSetCookie()
    expect(more).toEqual([])
    expect(setCookie).toMatch(
      /^__galley_draft=v1\.[^;]+; Path=\/; HttpOnly; Secure; SameSite=None; /,
    )
    expect(setCookie).toMatch(/Max-Age=(3599|3600)/)
    expect(setCookie).not.toContain('Partitioned')
    expect(setCookie).not.toContain(SECRET)

    const state = await draftMode.get(
      new Request(SITE + '/blog/hello', { headers: { cookie: cookieFrom(res) } }),
    )
    expect(state).toMatchObject({ isEnabled: true, perspective: 'drafts' })
    expect(state.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3590_000)
  })

  it('adds Partitioned inside an iframe', async () => {
    const { draftMode } = setup()
    const res = await draftMode.enable(
      new Request(enableUrl(SECRET), { headers: { 'Sec-Fetch-Dest': 'iframe' } }),
    )
    expect(res.headers.getSetCookie()[0]).toMatch(/; Partitioned$/)
  })

  it('keeps a stacked perspective through the cookie', async () => {
    const { draftMode } = setup()
    const res = await draftMode.enable(new Request(enableUrl('stacked')))
    const state = await draftMode.get(new Headers({ cookie: cookieFrom(res) }))
    expect(state.perspective).toBe('spring,drafts')
  })

  it.each([
    ['an unknown secret', 'wrong'],
    ['an expired secret', 'stale-secret-xyz'],
  ])('answers 401 in plain text with no cookie for %s', async (_, secret) => {
    const { draftMode } = setup()
    const res = await draftMode.enable(new Request(enableUrl(secret)))
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('location')).toBeNull()
    const body = await res.text()
    expect(body).toMatch(/invalid or expired/i)
    expect(body).not.toContain(secret)
  })

  it('answers 401 without calling the server when the secret is missing', async () => {
    const { draftMode, client } = setup()
    const res = await draftMode.enable(new Request(`${SITE}/api/draft-mode/enable`))
    expect(res.status).toBe(401)
    expect(client.calls).toEqual([])
  })

  it('answers 502 without echoing the secret when the server cannot be reached', async () => {
    const draftMode = createDraftMode({
      cookieSecret: KEY_A,
      client: {
        async validatePreviewSecret(secret) {
          throw new Error(`request with ${secret} failed`)
        },
      },
    })
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect(res.status).toBe(502)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.text()).not.toContain(SECRET)
  })

  it('answers 429 with Retry-After when the Galley server rate-limits validation', async () => {
    const draftMode = createDraftMode({
      cookieSecret: KEY_A,
      client: {
        async validatePreviewSecret(secret) {
          throw Object.assign(new Error(`too many, last ${secret}`), { status: 429 })
        },
      },
    })
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.text()).not.toContain(SECRET)
  })

  it('redirects hostile targets to / and strips secret parameters', async () => {
    const { draftMode } = setup()
    for (const target of [
      '//evil.test',
      '/\\evil.test',
      'javascript:alert(1)',
      '/%2F%2Fevil.test',
    ]) {
      const res = await draftMode.enable(new Request(enableUrl(SECRET, target)))
      expect(res.headers.get('location')).toBe('/')
    }
    const res = await draftMode.enable(
      new Request(
        enableUrl(
          SECRET,
          `/x?galley-preview-secret=${SECRET}&k=v`,
          '&x-vercel-protection-bypass=bp',
        ),
      ),
    )
    expect(res.headers.get('location')).toBe('/x?k=v&x-vercel-protection-bypass=bp')
  })

  it('only enables on GET', async () => {
    const { draftMode } = setup()
    const res = await draftMode.enable(new Request(enableUrl(SECRET), { method: 'POST' }))
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET')
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe('createDraftMode perspectives and grants', () => {
  it('carries the grant the server named into the state, for the client to send', async () => {
    const draftMode = createDraftMode({
      cookieSecret: KEY_A,
      logger: SILENT,
      client: fakeValidationClient({
        g: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(60), grant: '01jgrant' },
      }),
    })
    const res = await draftMode.enable(new Request(enableUrl('g')))
    expect(await draftMode.get(new Headers({ cookie: cookieFrom(res) }))).toMatchObject({
      isEnabled: true,
      grant: '01jgrant',
    })
  })

  it('property: a cookie is set only for a canonical, non-raw perspective, and holds exactly that', async () => {
    await fc.assert(
      fc.asyncProperty(spellingArb, async (s) => {
        if (s.input === null) return // no perspective bound: the default
        const draftMode = createDraftMode({
          cookieSecret: KEY_A,
          logger: SILENT,
          client: {
            validatePreviewSecret: async () => ({
              isValid: true,
              perspective: s.input as string,
              expiresAt: inSeconds(60),
            }),
          },
        })
        const res = await draftMode.enable(new Request(enableUrl('s')))
        const want = previewCanonical(s)
        if (want === null) {
          expect(res.status, s.how).toBe(400)
          expect(res.headers.get('galley-preview-error')).toBe('invalid-perspective')
          expect(res.headers.getSetCookie(), s.how).toEqual([])
        } else {
          expect(res.status, s.how).toBe(307)
          const state = await draftMode.get(new Headers({ cookie: cookieFrom(res) }))
          expect(state.perspective, s.how).toBe(want)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('createDraftMode resolvePath', () => {
  it('redirects to the path the hook returns, sanitised, with bypass parameters', async () => {
    const seen: ResolvePathParams[] = []
    const { draftMode } = setup({
      resolvePath: async (_request, params) => {
        seen.push(params)
        return params.pathname === '/p/hello' ? '/blog/2024/hello?from=preview' : null
      },
    })
    const res = await draftMode.enable(
      new Request(enableUrl(SECRET, '/p/hello', '&x-vercel-protection-bypass=bp&slug=hello')),
    )
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe(
      '/blog/2024/hello?from=preview&x-vercel-protection-bypass=bp',
    )
    expect(seen[0].perspective).toBe('drafts')
    expect(seen[0].searchParams.get('slug')).toBe('hello')
    expect(seen[0].searchParams.has('galley-preview-secret')).toBe(false)
  })

  it('answers 404 with no cookie when the hook finds nothing', async () => {
    const { draftMode } = setup({ resolvePath: () => null })
    const res = await draftMode.enable(new Request(enableUrl(SECRET, '/p/missing')))
    expect(res.status).toBe(404)
    expect(await res.text()).toMatch(/not found/i)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('sanitises what the hook returns and is not asked about invalid secrets', async () => {
    let calls = 0
    const { draftMode } = setup({
      resolvePath: () => {
        calls++
        return 'https://evil.test/x'
      },
    })
    expect((await draftMode.enable(new Request(enableUrl('wrong')))).status).toBe(401)
    expect(calls).toBe(0)
    const res = await draftMode.enable(new Request(enableUrl(SECRET)))
    expect(res.headers.get('location')).toBe('/')
  })
})

describe('createDraftMode().disable', () => {
  it('refuses GET with 405, Allow: POST and a hint, leaving the cookie alone', async () => {
    const { draftMode } = setup()
    const res = await draftMode.disable(new Request(`${SITE}/api/draft-mode/disable`))
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await res.text()).toMatch(/POST/)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('clears both the plain and the partitioned cookie on POST', async () => {
    const { draftMode } = setup()
    const res = await draftMode.disable(
      new Request(`${SITE}/api/draft-mode/disable`, { method: 'POST' }),
    )
    expect(res.status).toBe(200)
    const cookies = res.headers.getSetCookie()
    expect(cookies).toHaveLength(2)
    for (const c of cookies) expect(c).toMatch(/^__galley_draft=; .*Max-Age=0/)
    expect(cookies.filter((c) => c.endsWith('Partitioned'))).toHaveLength(1)
  })

  it('redirects with 303 to a sanitised ?redirect=', async () => {
    const { draftMode } = setup()
    const post = (r: string) =>
      draftMode.disable(
        new Request(`${SITE}/api/draft-mode/disable?redirect=${encodeURIComponent(r)}`, {
          method: 'POST',
        }),
      )
    const ok = await post('/blog/hello')
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/blog/hello')
    expect((await post('//evil.test')).headers.get('location')).toBe('/')
  })
})

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
