import { randomBytes } from 'node:crypto'
import type { Galley } from '../documents/galley'
import { runDueJob } from './schedules'

/** Options of {@link JobRunner}. */
export interface JobRunnerOptions {
  /** How often to look for jobs made by other processes, in ms. Default 500. */
  pollMs?: number
  /** This runner's name in the jobs it runs (`ranBy`). Default: `runner-<random>`. */
  name?: string
  /** Where failures of the runner itself go. Default `console`. */
  logger?: Pick<Console, 'error'>
}

/**
 * Runs scheduled jobs (release and document schedules) in this process: at start every
 * job that is already due (missed while every server was down), then each at its time.
 * Start one in every server: a job is claimed and carried out in one transaction, so it
 * fires once however many runners there are (PostgreSQL: `FOR UPDATE SKIP LOCKED`;
 * SQLite: the write lock and one lease row).
 * @example const runner = new JobRunner(galley).start(); … await runner.stop()
 */
export class JobRunner {
  readonly name: string
  readonly #galley: Galley
  readonly #pollMs: number
  readonly #logger: Pick<Console, 'error'>
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #stopped = true
  #failures = 0
  /** Jobs this runner ran, and when it last looked. */
  ran = 0
  lastPollAt: string | null = null

  constructor(galley: Galley, options: JobRunnerOptions = {}) {
    this.#galley = galley
    this.#pollMs = options.pollMs ?? 500
    this.name = options.name ?? `runner-${randomBytes(4).toString('hex')}`
    this.#logger = options.logger ?? console
  }

  /** Start polling (runs due jobs right away). Returns this runner. */
  start(): this {
    if (!this.#stopped) return this
    this.#stopped = false
    this.wake()
    return this
  }

  /** Look for due jobs now (call after scheduling one in this process). */
  wake(): void {
    if (this.#stopped) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    if (!this.#running)
      this.#running = this.#tick().finally(() => {
        this.#running = undefined
      })
  }

  /** Stop polling and wait for a job in progress. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  async #tick(): Promise<void> {
    let delay = this.#pollMs
    try {
      this.lastPollAt = new Date().toISOString()
      const reads = this.#galley.config.storage.releases
      const next = await reads?.nextDueAt()
      if (next !== undefined) {
        const wait = Date.parse(next) - Date.now()
        if (wait <= 0) {
          while (!this.#stopped && (await runDueJob(this.#galley, this.name))) this.ran++
          delay = 0
        } else delay = Math.min(delay, wait)
      }
      this.#failures = 0
    } catch (err) {
      // The store is down (or closed): say so once, then retry less and less often, up to
      // every 30 s, instead of filling the log every poll.
      if (this.#failures++ === 0) this.#logger.error('[galley] job runner failed', err)
      delay = Math.min(30_000, this.#pollMs * 2 ** Math.min(this.#failures, 16))
    }
    if (this.#stopped) return
    // After running jobs, look again at once for the next time (cheap: one read).
    this.#timer = setTimeout(() => this.wake(), Math.max(delay, delay === 0 ? 50 : 0))
    this.#timer.unref?.()
  }
}
