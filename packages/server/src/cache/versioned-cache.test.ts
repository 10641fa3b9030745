import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VersionedCache } from './versioned-cache'

describe('VersionedCache', () => {
  it('serves a value only at the version it was read at; a new version drops everything', () => {
    const c = new VersionedCache<string>(1000)
    expect(c.get('a', 1)).toBeUndefined()
    c.set('a', 1, 'A', 10)
    c.set('b', 1, 'B', 10)
    expect(c.get('a', 1)).toBe('A')
    expect(c.get('a', 2)).toBeUndefined()
    expect(c.size).toBe(0)
    // Back at 1 nothing returns: the entries are gone, not hidden.
    expect(c.get('b', 1)).toBeUndefined()
  })

  it('ignores a value read at a version the cache has since left', () => {
    const c = new VersionedCache<string>(1000)
    c.get('a', 1)
    c.get('b', 2) // another request saw a commit
    c.set('a', 1, 'stale', 10)
    expect(c.get('a', 2)).toBeUndefined()
  })

  it('evicts the least recently used past maxBytes and skips entries above a 16th', () => {
    const c = new VersionedCache<string>(160)
    c.get('x', 1)
    c.set('big', 1, 'B', 11)
    expect(c.size).toBe(0)
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 1, k, 10)
    expect(c.get('a', 1)).toBe('a') // now the most recent
    for (let i = 0; i < 13; i++) c.set(`f${i}`, 1, 'f', 10)
    expect(c.bytes).toBeLessThanOrEqual(160)
    expect(c.get('a', 1)).toBe('a')
    expect(c.get('b', 1)).toBeUndefined()
  })

  it('never exceeds its budget and never serves across versions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('get', 'set'),
            fc.integer({ min: 0, max: 9 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 12 }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const c = new VersionedCache<string>(100)
          for (const [op, k, v, bytes] of ops) {
            if (op === 'set') c.set(`k${k}`, v, `k${k}@${v}`, bytes)
            else {
              const got = c.get(`k${k}`, v)
              if (got !== undefined) expect(got).toBe(`k${k}@${v}`)
            }
            expect(c.bytes).toBeLessThanOrEqual(100)
          }
        },
      ),
    )
  })
})
