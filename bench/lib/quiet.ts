// Waits until processes have stopped using the CPU, so that one side's leftovers (a
// garbage collection, a checkpoint, writeback it started) do not land in the other side's
// timed step. Linux only (/proc); elsewhere it waits a fixed half second.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** CPU time (user + system, all threads) of a process in clock ticks, or undefined. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return undefined
  }
}

export interface QuietOptions {
  /** Length of the window that must be quiet. Default 300 ms. */
  windowMs?: number
  /** At most this share of one core used over the window, over all the processes. Default 0.05. */
  maxShare?: number
  /** Give up waiting after this long. Default 20 s. */
  maxMs?: number
}

/** Resolves with how long it waited (ms) once the processes were quiet for a whole window. */
export async function untilQuiet(pids: number[], options: QuietOptions = {}): Promise<number> {
  const { windowMs = 300, maxShare = 0.05, maxMs = 20_000 } = options
  const start = performance.now()
  if (process.platform !== 'linux') {
    await sleep(500)
    return performance.now() - start
  }
  const ticksPerMs = 100 / 1000 // USER_HZ is 100 on Linux
  while (performance.now() - start < maxMs) {
    const before = pids.map(cpuTicks)
    const t0 = performance.now()
    await sleep(windowMs)
    const used = pids.reduce((sum, pid, i) => {
      const a = before[i]
      const b = cpuTicks(pid)
      return a === undefined || b === undefined ? sum : sum + (b - a)
    }, 0)
    if (used <= maxShare * (performance.now() - t0) * ticksPerMs) break
  }
  return performance.now() - start
}
