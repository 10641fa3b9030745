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

  it('holds(version) empties on a new version and lets values read at it be kept', () => {
    const c = new VersionedCache<string>(1000)
    c.get('a', 1)
    c.set('a', 1, 'A', 10)
    // A request that looked nothing up moves the cache to the version it read at.
    expect(c.holds(2)).toBe(false)
    expect(c.size).toBe(0)
    c.set('b', 2, 'B', 10)
    expect(c.holds(2)).toBe(true)
    expect(c.get('b', 2)).toBe('B')
  })

  it('a hit spares its entry from the next eviction only (second chance)', () => {
    const c = new VersionedCache<string>(40, 10)
    c.get('x', 1)
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 1, k, 10)
    c.get('a', 1)
    c.set('e', 1, 'e', 10) // a was used: it goes to the back unmarked, b goes
    expect(c.get('b', 1)).toBeUndefined()
    c.set('f', 1, 'f', 10) // c goes
    c.set('g', 1, 'g', 10) // d goes
    c.set('h', 1, 'h', 10) // e goes: a now sits behind it
    expect(c.get('e', 1)).toBeUndefined()
    c.set('i', 1, 'i', 10) // a goes: its mark was spent on the first pass
    expect(c.get('a', 1)).toBeUndefined()
    for (const k of ['f', 'g', 'h', 'i']) expect(c.get(k, 1)).toBe(k)
    expect(c.bytes).toBeLessThanOrEqual(40)
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
