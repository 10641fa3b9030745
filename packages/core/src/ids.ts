import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case

let lastTime = 0
let counter = 0

/**
 * A sortable unique id: 10 chars of milliseconds, 4 of a per-process counter, 6 random.
 * Ids made later in one process always sort after earlier ones, which keeps revision
 * history ordered by id even within one millisecond.
 */
export function newId(): string {
  let now = Date.now()
  if (now <= lastTime) {
    counter++
    if (counter >= 32 ** 4) {
      lastTime++
      counter = 0
    }
    now = lastTime
  } else {
    lastTime = now
    counter = 0
  }
  let time = ''
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[now % 32] + time
    now = Math.floor(now / 32)
  }
  let seq = ''
  let c = counter
  for (let i = 0; i < 4; i++) {
    seq = ALPHABET[c % 32] + seq
    c = Math.floor(c / 32)
  }
  let rnd = ''
  for (let i = 0; i < 6; i++) rnd += ALPHABET[randomByte() % 32]
  return time + seq + rnd
}

/**
 * An id that sorts after `prev`: `newId()` when the clock allows, else `prev`'s time and
 * counter plus one. Revision ids of a document must grow even when several servers with
 * skewed clocks write it (`ifRevision` and history order rely on it).
 */
export function newIdAfter(prev: string | undefined): string {
  const id = newId()
  if (!prev || id > prev) return id
  const digits = prev
    .slice(0, 14)
    .split('')
    .map((c) => ALPHABET.indexOf(c))
  if (digits.some((d) => d < 0)) return id // not one of ours; nothing sensible to order after
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++
      break
    }
    digits[i] = 0
  }
  return digits.map((d) => ALPHABET[d]).join('') + id.slice(14)
}

// One syscall per 4 KiB of randomness instead of one per id.
let pool = Buffer.alloc(0)
let poolAt = 0
function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096)
    poolAt = 0
  }
  return pool[poolAt++]!
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Whether a caller-supplied document id is acceptable (url-safe, at most 64 chars). */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id)
}
