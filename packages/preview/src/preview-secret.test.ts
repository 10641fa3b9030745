import { describe, expect, it } from 'vitest'
import { buildPreviewUrl, generatePreviewSecret, hashPreviewSecret } from './preview-secret'
import { validatePreviewUrl } from './validate-preview-url'

describe('preview secrets', () => {
  it('generates distinct 32-byte base64url secrets', () => {
    const a = generatePreviewSecret()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(generatePreviewSecret()).not.toBe(a)
  })

  it('hashes with SHA-256 as hex', async () => {
    expect(await hashPreviewSecret('test')).toBe(
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    )
  })

  it('builds a URL that validatePreviewUrl reads back', async () => {
    const url = buildPreviewUrl({
      enableUrl: 'https://site.test/api/draft-mode/enable',
      secret: 'a b&c',
      pathname: '/blog/x?y=1',
      perspective: ['spring', 'drafts'],
    })
    let seen = ''
    const result = await validatePreviewUrl(
      {
        async validatePreviewSecret(secret) {
          seen = secret
          return { isValid: true, expiresAt: new Date(Date.now() + 60_000).toISOString() }
        },
      },
      url,
    )
    expect(seen).toBe('a b&c')
    expect(result).toMatchObject({ redirectTo: '/blog/x?y=1', perspective: 'spring,drafts' })
    expect(() =>
      buildPreviewUrl({ enableUrl: 'https://site.test/e', secret: 's', perspective: 'raw' }),
    ).toThrow(/never 'raw'/)
  })
})
