/**
 * Which revisions were read lately, as two bits of a hash of their id (a Bloom filter,
 * the "doorkeeper" of TinyLFU): the first read of a revision sets them, a later one finds
 * them set. It holds no strings, so content read once (a crawl, an export) keeps nothing; a
 * false "seen" (about 1% when it is fullest) only keeps something one read early. It has
 * a bit for every 32 bytes of the budget (2^16 to 2^24 bits) and is cleared after as many
 * first reads as an eighth of its bits, so old reads fade.
 */
export class Doorkeeper {
  readonly #bits: Int32Array
  readonly #mask: number
  readonly #limit: number
  #added = 0

  constructor(maxBytes: number) {
    let bits = 1 << 16
    while (bits < 1 << 24 && bits < maxBytes / 32) bits *= 2
    this.#bits = new Int32Array(bits >>> 5)
    this.#mask = bits - 1
    this.#limit = bits >>> 3
  }

  /** Whether `key` was seen since the last clear; marks it seen. */
  check(key: string): boolean {
    let h = 0x811c9dc5 // FNV-1a, 32 bits
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
    // The second position from the hash's other bits (Kirsch–Mitzenmacher).
    const a = h & this.#mask
    const b = (Math.imul(h, 0x9e3779b1) >>> 7) & this.#mask
    const bits = this.#bits
    const seen =
      (bits[a >>> 5]! & (1 << (a & 31))) !== 0 && (bits[b >>> 5]! & (1 << (b & 31))) !== 0
    if (seen) return true
    bits[a >>> 5]! |= 1 << (a & 31)
    bits[b >>> 5]! |= 1 << (b & 31)
    if (++this.#added >= this.#limit) this.clear()
    return false
  }

  clear(): void {
    this.#bits.fill(0)
    this.#added = 0
  }
}
