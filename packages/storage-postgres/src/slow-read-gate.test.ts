import { describe, expect, it } from 'vitest'
import { StoreBusyError } from '@galley/core'
import { SlowReadGate } from './slow-read-gate'

const later = () => {
  let done!: () => void
  const promise = new Promise<void>((r) => (done = r))
  return { promise, done }
}

describe('SlowReadGate', () => {
  it('runs at most `slots` reads at once, the rest in order, and refuses past 4 × slots waiting', async () => {
    const gate = new SlowReadGate(2)
    let running = 0
    let most = 0
    const order: number[] = []
    const holds = Array.from({ length: 10 }, later)
    const reads = holds.map((h, i) =>
      gate.run(async () => {
        running++
        most = Math.max(most, running)
        order.push(i)
        await h.promise
        running--
        return i
      }),
    )
    await new Promise((r) => setTimeout(r, 0))
    expect(order).toEqual([0, 1])
    // 2 running, 8 waiting: the next is refused at once.
    await expect(gate.run(async () => 'x')).rejects.toBeInstanceOf(StoreBusyError)
    for (const h of holds) {
      h.done()
      await new Promise((r) => setTimeout(r, 0))
    }
    expect(await Promise.all(reads)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(most).toBe(2)
    // A failed read gives its slot back.
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await gate.run(async () => 'free')).toBe('free')
  })
})
