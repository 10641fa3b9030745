import { createGalley, defineConfig } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { describe, expect, it } from 'vitest'
import { createServer } from '../create-server'
import { PREVIEW_DEFAULTS, resolvePreviewOptions } from './preview-options'

describe('resolvePreviewOptions', () => {
  it('fills in the defaults: 1 h secrets, 7 days at most, a sweep every 10 minutes', () => {
    expect(resolvePreviewOptions(undefined)).toEqual({
      url: undefined,
      ...PREVIEW_DEFAULTS,
      rateLimit: { maxFailures: 20, windowMs: 900_000 },
    })
    expect(PREVIEW_DEFAULTS.defaultTtlSeconds).toBe(3600)
    expect(PREVIEW_DEFAULTS.maxTtlSeconds).toBe(604_800)
    const o = resolvePreviewOptions({
      url: 'http://localhost:3000/api/draft',
      rateLimit: { maxFailures: 5 },
    })
    expect(o.url).toBe('http://localhost:3000/api/draft')
    expect(o.rateLimit).toEqual({ maxFailures: 5, windowMs: 900_000 })
  })

  it('limits token callers only when maxTokenFailures is set', () => {
    expect(resolvePreviewOptions({}).rateLimit.maxTokenFailures).toBeUndefined()
    expect(
      resolvePreviewOptions({ rateLimit: { maxTokenFailures: 500 } }).rateLimit.maxTokenFailures,
    ).toBe(500)
    expect(() => resolvePreviewOptions({ rateLimit: { maxTokenFailures: 0 } })).toThrow(
      /maxTokenFailures must be a whole number ≥ 1/,
    )
  })

  it('refuses impossible values at start-up, saying what to change', () => {
    expect(() => resolvePreviewOptions({ url: '/api/draft' })).toThrow(
      /absolute http\(s\) enable route/,
    )
    expect(() => resolvePreviewOptions({ url: 'javascript:alert(1)' })).toThrow(/preview.url/)
    expect(() => resolvePreviewOptions({ grantCacheMs: 1001 })).toThrow(
      /grantCacheMs may be at most 1000: a revoked link must end its sessions within a second/,
    )
    expect(resolvePreviewOptions({ grantCacheMs: 1000 }).grantCacheMs).toBe(1000)
    expect(() => resolvePreviewOptions({ maxTtlSeconds: 0 })).toThrow(
      /maxTtlSeconds must be a whole number ≥ 1/,
    )
    expect(() => resolvePreviewOptions({ sweepIntervalMs: 1.5 })).toThrow(/sweepIntervalMs/)
    expect(() => resolvePreviewOptions({ defaultTtlSeconds: 7200, maxTtlSeconds: 3600 })).toThrow(
      /may not exceed/,
    )
    expect(() => resolvePreviewOptions({ sweepIntervalMs: 0 })).not.toThrow()
  })
})

describe('preview routes without withAuth', () => {
  it('answer 400 and explain that the config needs withAuth()', async () => {
    const galley = await createGalley(
      defineConfig({
        storage: sqlite({ file: ':memory:' }),
        collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }],
      }),
    )
    const server = createServer({ galley })
    try {
      const res = await server.app.request('http://localhost/api/preview/secrets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /withAuth\(\)/,
      )
    } finally {
      await server.close()
      await galley.close()
    }
  })
})
