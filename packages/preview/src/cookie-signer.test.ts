import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { KEY_A, KEY_B } from '../test/fake-validation-client'
import { decodeBase64url, encodeBase64url } from './base64url'
import { constantTimeEqual, createCookieSigner } from './cookie-signer'

const NAME = '__galley_draft'
const inAnHour = () => new Date(Date.now() + 3600_000)

describe('createCookieSigner', () => {
  it('round-trips perspective, expiry and grant', async () => {
    const signer = createCookieSigner(KEY_A)
    const expiresAt = inAnHour()
    const value = await signer.sign(NAME, {
      perspective: 'spring,drafts',
      expiresAt,
      grant: '01jgrant',
    })
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
    expect(await signer.verify(NAME, value)).toEqual({
      perspective: 'spring,drafts',
      expiresAt,
      grant: '01jgrant',
    })
    const noGrant = await signer.sign(NAME, { perspective: 'drafts', expiresAt })
    expect(await signer.verify(NAME, noGrant)).toEqual({
      perspective: 'drafts',
      expiresAt,
      grant: null,
    })
  })

  it('signs only canonical preview perspectives', async () => {
    const signer = createCookieSigner(KEY_A)
    for (const perspective of ['raw', ' drafts', 'DRAFTS', 'spring,drafts,published'])
      await expect(signer.sign(NAME, { perspective, expiresAt: inAnHour() })).rejects.toThrow(
        TypeError,
      )
  })

  it('property: a cookie signed with the real key verifies only with a canonical, non-raw perspective', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(KEY_A),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const signer = createCookieSigner(KEY_A)
    await fc.assert(
      fc.asyncProperty(spellingArb, async (s) => {
        const body = encodeBase64url(
          new TextEncoder().encode(JSON.stringify({ p: s.input, e: Date.now() + 3600_000 })),
        )
        const mac = await crypto.subtle.sign(
          'HMAC',
          key,
          new TextEncoder().encode(`${NAME}=v1.${body}`),
        )
        const verified = await signer.verify(
          NAME,
          `v1.${body}.${encodeBase64url(new Uint8Array(mac))}`,
        )
        const canonical = previewCanonical(s)
        // The canonical string itself, never another spelling of it.
        expect(verified?.perspective ?? null, s.how).toBe(s.input === canonical ? canonical : null)
      }),
      { numRuns: 500 },
    )
  })

  it('rejects an altered payload or signature', async () => {
    const signer = createCookieSigner(KEY_A)
    const value = await signer.sign(NAME, { perspective: 'drafts', expiresAt: inAnHour() })
    const [v, body, sig] = value.split('.')
    const json = new TextDecoder().decode(decodeBase64url(body)!)
    const raw = encodeBase64url(new TextEncoder().encode(json.replace('drafts', 'raw')))
    expect(await signer.verify(NAME, `${v}.${raw}.${sig}`)).toBeNull()
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1)
    expect(await signer.verify(NAME, `${v}.${body}.${flipped}`)).toBeNull()
    expect(await signer.verify(NAME, `${v}.${body}.${sig}x`)).toBeNull()
    expect(await signer.verify(NAME, `v2.${body}.${sig}`)).toBeNull()
  })

  it('attack: a signature re-encoded with other unused low bits in its last character is refused', async () => {
    const signer = createCookieSigner(KEY_A)
    for (let i = 0; i < 20; i++) {
      const value = await signer.sign(NAME, {
        perspective: 'drafts',
        expiresAt: new Date(Date.now() + 3600_000 + i),
      })
      const [v, body, sig] = value.split('.') as [string, string, string]
      // 32 bytes are 43 characters: the last one carries 4 bits of the MAC and 2 unused bits
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const last = alphabet.indexOf(sig.at(-1)!)
      for (let pad = 1; pad < 4; pad++) {
        const twin = sig.slice(0, -1) + alphabet[(last & ~3) | ((last + pad) & 3)]
        expect(decodeBase64url(twin)).toBeNull()
        expect(await signer.verify(NAME, `${v}.${body}.${twin}`)).toBeNull()
      }
      expect(await signer.verify(NAME, value)).not.toBeNull()
    }
  })

  it('rejects hand-made cookies', async () => {
    const signer = createCookieSigner(KEY_A)
    const body = encodeBase64url(
      new TextEncoder().encode(JSON.stringify({ p: 'drafts', e: Date.now() + 3600_000 })),
    )
    for (const forged of [
      'drafts',
      '1',
      'true',
      '',
      `v1.${body}`,
      `v1.${body}.${encodeBase64url(new Uint8Array(32))}`,
      `v1.${body}.${'A'.repeat(43)}`,
      'v1..',
      '....',
      'x'.repeat(10_000),
    ]) {
      expect(await signer.verify(NAME, forged)).toBeNull()
    }
  })

  it('rejects an expired cookie even with a good signature', async () => {
    const signer = createCookieSigner(KEY_A)
    const value = await signer.sign(NAME, {
      perspective: 'drafts',
      expiresAt: new Date(Date.now() - 1000),
    })
    expect(await signer.verify(NAME, value)).toBeNull()
  })

  it('rejects a cookie replayed under another name', async () => {
    const signer = createCookieSigner(KEY_A)
    const value = await signer.sign('other', { perspective: 'drafts', expiresAt: inAnHour() })
    expect(await signer.verify(NAME, value)).toBeNull()
  })

  it('rotates keys: the first signs, all verify, unknown keys are refused', async () => {
    const old = createCookieSigner(KEY_A)
    const rotated = createCookieSigner([KEY_B, KEY_A])
    const onlyNew = createCookieSigner([KEY_B])
    const oldValue = await old.sign(NAME, { perspective: 'drafts', expiresAt: inAnHour() })
    const newValue = await rotated.sign(NAME, { perspective: 'drafts', expiresAt: inAnHour() })

    expect(await rotated.verify(NAME, oldValue)).not.toBeNull()
    expect(await rotated.verify(NAME, newValue)).not.toBeNull()
    expect(await onlyNew.verify(NAME, newValue)).not.toBeNull() // signed with KEY_B, the first
    expect(await onlyNew.verify(NAME, oldValue)).toBeNull()
    expect(await old.verify(NAME, newValue)).toBeNull()
  })

  it('refuses weak or missing keys with a message that says what to do', () => {
    expect(() => createCookieSigner('short')).toThrow(/at least 32 characters.*openssl rand/)
    expect(() => createCookieSigner('a'.repeat(40))).toThrow(/too weak/)
    expect(() => createCookieSigner([])).toThrow(/cookieSecret is required/)
    expect(() => createCookieSigner([KEY_A, 'short'])).toThrow(/cookieSecret\[1\]/)
    expect(() => createCookieSigner(undefined as unknown as string)).toThrow(TypeError)
  })
})

describe('constantTimeEqual', () => {
  it('compares bytes', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false)
  })
})
