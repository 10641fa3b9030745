import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoNow, isoOf } from './timestamps'

describe('timestamps', () => {
  it('formats exactly as Date.prototype.toISOString', () => {
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
    const min = -62_167_219_200_000 // 0000-01-01T00:00:00.000Z
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => isoOf(ms) === new Date(ms).toISOString()),
      { numRuns: 5000 },
    )
    for (const ms of [
      0,
      -1,
      1,
      Date.UTC(2000, 1, 29, 0, 0, 0, 5),
      -62_167_219_200_000,
      253_402_300_799_999,
      253_402_300_800_000,
      -62_167_219_200_001,
    ]) {
      expect(isoOf(ms)).toBe(new Date(ms).toISOString())
    }
  })

  it('isoNow is the current time', () => {
    const before = Date.now()
    const now = Date.parse(isoNow())
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
  })
})
