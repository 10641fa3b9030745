import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limiter'

describe('RateLimiter', () => {
  it('blocks a key after max failures until the window ends', () => {
    let now = 1_000_000
    const l = new RateLimiter({ max: 3, windowMs: 60_000, now: () => now })
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a')).toBe(0)
      l.fail('a')
    }
    expect(l.retryAfter('a')).toBe(60)
    expect(l.retryAfter('b')).toBe(0)
    now += 30_000
    expect(l.retryAfter('a')).toBe(30)
    now += 30_001
    expect(l.retryAfter('a')).toBe(0)
  })

  it('reset and forgive take failures back', () => {
    const l = new RateLimiter({ max: 2, windowMs: 1000 })
    l.fail('k')
    l.fail('k')
    l.forgive('k')
    expect(l.retryAfter('k')).toBe(0)
    l.fail('k')
    expect(l.retryAfter('k')).toBeGreaterThan(0)
    l.reset('k')
    expect(l.retryAfter('k')).toBe(0)
  })

  it('stays bounded: the oldest keys are dropped', () => {
    const l = new RateLimiter({ max: 1, windowMs: 60_000, maxKeys: 2 })
    l.fail('a')
    l.fail('b')
    l.fail('c')
    expect(l.retryAfter('a')).toBe(0)
    expect(l.retryAfter('c')).toBeGreaterThan(0)
  })
})
