import { describe, expect, it } from 'vitest'
import type { Galley } from '../documents/galley'
import { JobRunner } from './job-runner'

/** An engine whose store fails every read, counting how often the runner asked. */
function failingGalley() {
  const calls = { n: 0 }
  const galley = {
    config: {
      storage: {
        releases: {
          nextDueAt: async () => {
            calls.n++
            throw new Error('connection refused')
          },
        },
      },
    },
  } as unknown as Galley
  return { galley, calls }
}

describe('JobRunner', () => {
  it('logs a failing store once and backs off instead of polling at full speed', async () => {
    const { galley, calls } = failingGalley()
    const logged: unknown[] = []
    const runner = new JobRunner(galley, {
      pollMs: 10,
      logger: { error: (...a) => logged.push(a) },
    })
    runner.start()
    await new Promise((r) => setTimeout(r, 400))
    await runner.stop()
    expect(logged).toHaveLength(1)
    // 10, 20, 40, 80, 160 ms… : about six tries in 400 ms, not forty.
    expect(calls.n).toBeGreaterThanOrEqual(3)
    expect(calls.n).toBeLessThan(10)
  })
})
