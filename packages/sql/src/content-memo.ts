import { ConfigError } from '@galley/core'

/**
 * Parsed document content, kept per revision so that a read of content it parsed before
 * copies objects instead of parsing the text again.
 *
 * A read still runs its statements and gets every row's text from the database: the memo
 * only replaces `JSON.parse(text)` by a copy of the value parsed from the very same text.
 * It is keyed by revision id, and a kept value is used only when its text is equal to the
 * row's, character for character (a length check and a memory compare, ~50 ns for 1 KB),
 * so it can never answer with content other than the row's: not after an update, a
 * restore of a backup, or another process writing. Unlike the result cache, no commit ends
 * it: after a write, a list page re-reads its rows but parses only what changed.
 *
 * Every caller gets its own objects: the kept value is never handed out, only a copy of it,
 * whose strings are shared (they cannot change). Copying a 700-byte post costs about a
 * fifth of parsing it: strings need no scanning, only objects and arrays are made.
 */
export interface ContentMemoOptions {
  /** Upper bound of the kept content, counted as its text length. Default 16 MiB; 0 keeps nothing. */
  maxBytes?: number
}

export const DEFAULT_CONTENT_MEMO_BYTES = 16 * 1024 * 1024

/** The byte budget an option asks for (`false`: none), or a `ConfigError` naming `option`. */
export function contentMemoBytes(
  value: ContentMemoOptions | false | undefined,
  option = 'contentMemo',
): number {
  const max = value === false ? 0 : (value?.maxBytes ?? DEFAULT_CONTENT_MEMO_BYTES)
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0) {
    throw new ConfigError(
      `${option}: maxBytes must be a non-negative number of bytes (or false to turn it off), got ${String(max)}.`,
    )
  }
  return max
}

/**
 * Content nested deeper than this is parsed on every read: copying is recursive, and such
 * content (which no field schema of Galley produces) could exhaust the stack.
 */
const MAX_COPY_DEPTH = 64

interface Kept {
  text: string
  value: unknown
  /** Read since kept or since its last second chance (see #evict). */
  used: boolean
}

export class ContentMemo {
  readonly #maxBytes: number
  readonly #kept = new Map<string, Kept>()
  #bytes = 0

  constructor(maxBytes: number = DEFAULT_CONTENT_MEMO_BYTES) {
    this.#maxBytes = maxBytes
  }

  /** The value of `text`, content of revision `rev`: a fresh copy of what JSON.parse gives. */
  parse(rev: string, text: string): unknown {
    const kept = this.#kept.get(rev)
    if (kept !== undefined && kept.text === text) {
      kept.used = true
      return copyJson(kept.value, 0)
    }
    const value: unknown = JSON.parse(text)
    // Only objects and arrays are worth keeping; a document's content is an object.
    if (typeof value !== 'object' || value === null || text.length > this.#maxBytes / 16)
      return value
    // Kept before it is handed out: the caller may change its copy, never the kept one.
    let copy: unknown
    try {
      copy = copyJson(value, 0)
    } catch (err) {
      if (err === TOO_DEEP) return value
      throw err
    }
    if (kept !== undefined) {
      this.#kept.delete(rev)
      this.#bytes -= kept.text.length
    }
    this.#evict(this.#maxBytes - text.length)
    this.#kept.set(rev, { text, value, used: false })
    this.#bytes += text.length
    return copy
  }

  /**
   * Drop entries until at most `budget` bytes are kept, oldest first, except that one read
   * since it was kept goes to the back instead, once ("second chance", as the read cache).
   */
  #evict(budget: number): void {
    for (const [k, v] of this.#kept) {
      if (this.#bytes <= budget) break
      this.#kept.delete(k)
      if (v.used) {
        v.used = false
        this.#kept.set(k, v)
      } else {
        this.#bytes -= v.text.length
      }
    }
  }

  clear(): void {
    this.#kept.clear()
    this.#bytes = 0
  }

  /** Bytes kept (text length), for tests. */
  get bytes(): number {
    return this.#bytes
  }
}

const TOO_DEEP = new Error('content nested too deep to copy')

/**
 * A deep copy of a value JSON.parse made: the same keys in the same order, arrays as
 * arrays, and a key `__proto__` as an own property (as JSON.parse makes it), never as the
 * object's prototype.
 */
function copyJson(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (depth > MAX_COPY_DEPTH) throw TOO_DEEP
  if (Array.isArray(v)) {
    const n = v.length
    const out = new Array<unknown>(n)
    for (let i = 0; i < n; i++) out[i] = copyJson(v[i], depth + 1)
    return out
  }
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const x = copyJson((v as Record<string, unknown>)[k], depth + 1)
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: x,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    else out[k] = x
  }
  return out
}
