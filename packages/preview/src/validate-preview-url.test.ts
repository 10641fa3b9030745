import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { fakeValidationClient, inSeconds } from '../test/fake-validation-client'
import { validatePreviewUrl } from './validate-preview-url'

const ENABLE = 'https://site.test/api/draft-mode/enable'

describe('validatePreviewUrl', () => {
  it('answers the sanitised path and the server-bound perspective for a good secret', async () => {
    const expiresAt = inSeconds(3600)
    const client = fakeValidationClient({
      s1: { isValid: true, perspective: 'drafts', expiresAt, grant: '01jgrant' },
    })
    const result = await validatePreviewUrl(
      client,
      `${ENABLE}?galley-preview-secret=s1&galley-preview-pathname=${encodeURIComponent('/blog/x?a=1')}`,
    )
    expect(result).toEqual({
      isValid: true,
      redirectTo: '/blog/x?a=1',
      perspective: 'drafts',
      expiresAt: new Date(expiresAt),
      grant: '01jgrant',
    })
    expect(client.calls).toEqual(['s1'])
  })

  it('does not ask the server when there is no secret', async () => {
    const client = fakeValidationClient({})
    expect(await validatePreviewUrl(client, `${ENABLE}?galley-preview-pathname=/x`)).toMatchObject({
      isValid: false,
      reason: 'missing-secret',
    })
    expect(client.calls).toEqual([])
  })

  it('refuses secrets the server refuses, or that are expired or have no expiry', async () => {
    const client = fakeValidationClient({
      expired: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(-1) },
      noExpiry: { isValid: true, perspective: 'drafts' },
      garbage: { isValid: true, perspective: 'drafts', expiresAt: 'soon' },
    })
    const check = (s: string) => validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=${s}`)
    expect(await check('nope')).toMatchObject({ isValid: false, reason: 'invalid-secret' })
    expect(await check('expired')).toMatchObject({ isValid: false, reason: 'expired-secret' })
    expect(await check('noExpiry')).toMatchObject({ isValid: false, reason: 'expired-secret' })
    expect(await check('garbage')).toMatchObject({ isValid: false, reason: 'expired-secret' })
  })

  it("prefers the server's perspective over the URL's, which is only a fallback", async () => {
    const client = fakeValidationClient({
      bound: {
        isValid: true,
        perspective: 'spring,drafts',
        expiresAt: inSeconds(60),
      },
      unbound: { isValid: true, expiresAt: inSeconds(60) },
    })
    const url = (s: string, p: string) =>
      `${ENABLE}?galley-preview-secret=${s}&galley-preview-perspective=${p}`
    expect((await validatePreviewUrl(client, url('bound', 'raw'))).perspective).toBe(
      'spring,drafts',
    )
    expect((await validatePreviewUrl(client, url('unbound', 'autumn,drafts'))).perspective).toBe(
      'autumn,drafts',
    )
    expect(
      (await validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=unbound`)).perspective,
    ).toBe('drafts')
    for (const bad of ['bad value', 'raw', '%20drafts', 'DRAFTS', 'drafts,published'])
      expect(await validatePreviewUrl(client, url('unbound', bad))).toMatchObject({
        isValid: false,
        reason: 'invalid-perspective',
      })
  })

  it('refuses an answer that only reads as a perspective: a list, a spelling with extra layers', async () => {
    for (const perspective of ['drafts,published', ['spring', 'drafts', 'published'], ['drafts']]) {
      const client = fakeValidationClient({
        s: { isValid: true, perspective: perspective as string, expiresAt: inSeconds(60) },
      })
      expect(await validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=s`)).toMatchObject({
        isValid: false,
        reason: 'invalid-perspective',
      })
    }
  })

  it('refuses a malformed grant in the answer', async () => {
    const client = fakeValidationClient({
      s: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(60), grant: 'a b' },
    })
    expect(await validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=s`)).toMatchObject({
      isValid: false,
      reason: 'invalid-answer',
    })
  })

  it('property: the perspective a server answers is taken in its canonical spelling, or refused', async () => {
    await fc.assert(
      fc.asyncProperty(spellingArb, async (s) => {
        if (s.input === null) return // no perspective bound: the default
        const client = {
          validatePreviewSecret: async () => ({
            isValid: true,
            perspective: s.input as string,
            expiresAt: inSeconds(60),
          }),
        }
        const result = await validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=s`)
        const want = previewCanonical(s)
        // Only the canonical spelling itself: one that merely reads as it is refused too.
        if (want === null || want !== s.input)
          expect(result, s.how).toMatchObject({ isValid: false, reason: 'invalid-perspective' })
        else expect(result, s.how).toMatchObject({ isValid: true, perspective: want })
      }),
      { numRuns: 1000 },
    )
  })

  it('sanitises hostile targets and strips secrets, carrying Vercel bypass parameters', async () => {
    const client = fakeValidationClient({ s: { isValid: true, expiresAt: inSeconds(60) } })
    const hostile = await validatePreviewUrl(
      client,
      `${ENABLE}?galley-preview-secret=s&galley-preview-pathname=${encodeURIComponent('//evil.test')}`,
    )
    expect(hostile.redirectTo).toBe('/')
    const nested = await validatePreviewUrl(
      client,
      `${ENABLE}?galley-preview-secret=s&x-vercel-protection-bypass=b&x-vercel-set-bypass-cookie=samesitenone` +
        `&galley-preview-pathname=${encodeURIComponent('/x?galley-preview-secret=s&k=v')}`,
    )
    expect(nested.redirectTo).toBe(
      '/x?k=v&x-vercel-protection-bypass=b&x-vercel-set-bypass-cookie=samesitenone',
    )
  })

  it('lets errors reaching the server surface instead of calling them invalid', async () => {
    const client = {
      validatePreviewSecret: async () => {
        throw new Error('connect ECONNREFUSED')
      },
    }
    await expect(validatePreviewUrl(client, `${ENABLE}?galley-preview-secret=s`)).rejects.toThrow(
      'ECONNREFUSED',
    )
  })
})
