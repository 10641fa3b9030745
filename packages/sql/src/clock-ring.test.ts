import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ClockEntry, ClockRing } from './clock-ring'

interface E extends ClockEntry {
  id: number
}
const entry = (id: number, bytes: number): E => ({ id, bytes, used: false, slot: -1 })

describe('ClockRing', () => {
  it('holds at most the budget after fit, and tells of exactly the entries it let go (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ add: fc.integer({ min: 1, max: 50 }) }),
            fc.record({ use: fc.nat() }),
            fc.record({ remove: fc.nat() }),
          ),
          { maxLength: 300 },
        ),
        fc.integer({ min: 0, max: 400 }),
        (ops, budget) => {
          const ring = new ClockRing<E>()
          const held = new Map<number, E>()
          let next = 0
          for (const op of ops) {
            if ('add' in op) {
              const e = entry(next++, op.add)
              ring.fit(budget - e.bytes, (x) => held.delete(x.id))
              ring.add(e)
              held.set(e.id, e)
            } else {
              const all = [...held.values()]
              const e = all[('use' in op ? op.use : op.remove) % Math.max(1, all.length)]
              if (!e) continue
              if ('use' in op) e.used = true
              else {
                ring.remove(e)
                held.delete(e.id)
              }
            }
            expect(ring.size).toBe(held.size)
            expect(ring.bytes).toBe([...held.values()].reduce((n, e) => n + e.bytes, 0))
          }
          ring.fit(budget, (x) => held.delete(x.id))
          expect(ring.bytes).toBeLessThanOrEqual(budget)
          expect(ring.size).toBe(held.size)
        },
      ),
    )
  })

  it('passes over an entry read since the hand last passed, once', () => {
    const ring = new ClockRing<E>()
    const [a, b, c] = [entry(1, 10), entry(2, 10), entry(3, 10)]
    for (const e of [a, b, c]) ring.add(e)
    a.used = true
    const gone: number[] = []
    ring.fit(20, (e) => gone.push(e.id))
    expect(gone).toEqual([2])
    ring.fit(10, (e) => gone.push(e.id))
    expect(gone).toEqual([2, 3])
    expect(a.used).toBe(false)
  })

  it('packs a ring left mostly of holes, keeping every entry', () => {
    const ring = new ClockRing<E>()
    const all = Array.from({ length: 5000 }, (_, i) => entry(i, 1))
    for (const e of all) ring.add(e)
    for (const e of all.slice(0, 4500)) ring.remove(e)
    expect(ring.size).toBe(500)
    const gone: number[] = []
    ring.fit(0, (e) => gone.push(e.id))
    expect(gone.sort((x, y) => x - y)).toEqual(all.slice(4500).map((e) => e.id))
  })
})
