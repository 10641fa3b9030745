import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { fakeValidationClient, inSeconds, KEY_A } from '../test/fake-validation-client'
import { SECRET, SILENT, SITE, cookieFrom, enableUrl, setup } from '../test/draft-mode-fixtures'
import { createDraftMode, type ResolvePathParams } from './create-draft-mode'
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
        // Only the canonical spelling itself: one that merely reads as it is refused too.
        if (want === null || want !== s.input) {
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
