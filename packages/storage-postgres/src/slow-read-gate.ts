import { StoreBusyError } from '@galley/core'

/**
 * How many finds whose time grows with the collection (filters on fields that are not
 * indexed, text patterns, many conditions) run at once on PostgreSQL: found by review, such
 * reads sent in a loop took every connection of the pool, and lookups answered from an
 * index then waited for one for as long as the slow reads ran. With at most `slots` of them
 * running (the pool's size less two), the rest of the pool stays free for everything else.
 * Slow reads beyond that wait their turn, up to 4 × `slots` of them; past that, a read is
 * refused with `StoreBusyError`.
 */
export class SlowReadGate {
  #running = 0
  readonly #waiting: Array<() => void> = []

  constructor(private readonly slots: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.#running >= this.slots) {
      if (this.#waiting.length >= 4 * this.slots)
        throw new StoreBusyError(
          `${this.#waiting.length} slow reads (filters that test every document) are already waiting for a connection, so this one was refused. Try again shortly; if it lasts, give the fields those filters read an index (index: true).`,
        )
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    } else this.#running++
    try {
      return await read()
    } finally {
      // The slot passes straight to the next waiting read, if any.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}
