/**
 * A map of values that are only good while the data they were read from is unchanged,
 * bounded by bytes and evicting about the least recently used (second chance: a hit only
 * marks its entry, which eviction then spares once, so a hit never reorders the map). Every value carries the data
 * version (`galley.dataVersion()`) taken before it was read; a lookup with another version
 * drops everything, since any commit may have changed any value.
 * @example
 * const v = galley.dataVersion()
 * let page = cache.get(key, v) ?? (await galley.find(…))
 * cache.set(key, v, page, bytesOf(page))
 */
export class VersionedCache<V> {
  readonly #entries = new Map<string, { value: V; bytes: number; used: boolean }>()
  #version: number | undefined = undefined
  #bytes = 0
  /** Largest total, in bytes as the caller counts them. */
  readonly maxBytes: number
  /** Largest single entry; bigger ones are not kept (default a 16th of `maxBytes`). */
  readonly maxEntryBytes: number

  constructor(maxBytes: number, maxEntryBytes = Math.floor(maxBytes / 16)) {
    this.maxBytes = maxBytes
    this.maxEntryBytes = maxEntryBytes
  }

  /** The value kept for `key` if it was read at `version`; a new version empties the cache. */
  get(key: string, version: number): V | undefined {
    if (!this.holds(version)) return undefined
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    entry.used = true
    return entry.value
  }

  /**
   * Whether the cache holds entries of `version`; if not it empties and holds that version
   * from now on, so a value read at it can be kept (`set` ignores any other version).
   */
  holds(version: number): boolean {
    if (version === this.#version) return true
    this.clear()
    this.#version = version
    return false
  }

  /**
   * Keep `value`, read at `version` (taken before the read). Ignored when the cache has
   * moved to another version since, or the entry is too big.
   */
  set(key: string, version: number, value: V, bytes: number): void {
    if (version !== this.#version || bytes > this.maxEntryBytes) return
    const old = this.#entries.get(key)
    if (old !== undefined) {
      this.#bytes -= old.bytes
      this.#entries.delete(key)
    }
    this.#entries.set(key, { value, bytes, used: false })
    this.#bytes += bytes
    // Oldest first; an entry used since it was last passed goes to the back once more. Each
    // pass clears the marks, so this ends within two rounds.
    while (this.#bytes > this.maxBytes) {
      const [k, e] = this.#entries.entries().next().value!
      this.#entries.delete(k)
      if (e.used) {
        e.used = false
        this.#entries.set(k, e)
      } else this.#bytes -= e.bytes
    }
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }

  get size(): number {
    return this.#entries.size
  }

  get bytes(): number {
    return this.#bytes
  }
}
