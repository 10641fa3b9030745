import { describe, expect, it } from 'vitest'
import { newId, newIdAfter } from './ids'

describe('ids', () => {
  it('are sortable by creation within a process', () => {
    const ids = Array.from({ length: 2000 }, () => newId())
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
  it('newIdAfter sorts after an id from a clock that ran ahead, even at the counter edge', () => {
    for (const prev of ['zzzzzzzzzz0000abcdef', 'zzzzzzzzzyzzzzabcdef', newId()]) {
      const next = newIdAfter(prev)
      expect(next > prev).toBe(true)
      expect(next).toMatch(/^[0-9a-z]{20}$/)
    }
  })
})
