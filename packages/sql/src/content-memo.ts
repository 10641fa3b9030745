import { byteBudget } from './byte-budget'
import { type ClockEntry, ClockRing } from './clock-ring'
import { Doorkeeper } from './doorkeeper'
import { admitCopy, copyJson } from './json-copy'
import { type Copier, Copiers } from './shape-copiers'

/** Options of `sqlite({ contentMemo })` (see ContentMemo). */
export interface ContentMemoOptions {
  /**
   * Upper bound of the memory kept: the content's text and an estimate of its parsed value.
   * Default 16 MiB; 0 keeps nothing.
   */
  maxBytes?: number
}

export const DEFAULT_CONTENT_MEMO_BYTES = 16 * 1024 * 1024

/** The byte budget `contentMemo` asks for (see byteBudget), or a `ConfigError` naming `option`. */
export function contentMemoBytes(value: unknown, option = 'contentMemo'): number {
  return byteBudget(value, option, DEFAULT_CONTENT_MEMO_BYTES)
}

/** Keeps per window of #admits. */
const ADMIT_WINDOW = 1024
/** What an entry costs beyond its content: itself, its key, the ring and map slots, the row's other columns its text holds on to. */
const ENTRY_BYTES = 192

/** An entry whose copy would cost as much as a parse: parsed every time (see ContentMemo). */
const PARSE = Symbol('parse')

interface Entry extends ClockEntry {
  rev: string
  /** The text the value was parsed from; '' for PARSE (any text is parsed then). */
  text: string
  value: unknown
  /** Its shape's copier (see Copiers), if it has one. */
  copy: Copier | undefined
}

/**
 * Parsed document content, kept per revision so that a read of content it parsed before
 * copies objects instead of parsing the text again.
 *
 * A read still runs its statements and gets every row's text from the database: the memo
 * only replaces `JSON.parse(text)` by a copy of the value parsed from the very same text.
 * It is keyed by revision id, and a kept value is used only when its text is equal to the
 * row's, character for character (a length check and a memory compare, ~50 ns for a
 * 700-character post), so it can never answer with content other than the row's: not after
 * a tool rewrote a revision, nor a restore of a backup, nor another process writing. Unlike
 * the result cache, no commit ends it: after a write, a list page re-reads its rows but
 * parses only what changed.
 *
 * Every caller gets its own objects: the kept value is never handed out, only a copy of it,
 * whose strings are shared (they cannot change). A kept post's copy is one object literal
 * compiled for its shape (Copiers): a fifth of parsing it, or less. Nested objects are
 * copied key by key: rich text costs half to two thirds of its parse.
 *
 * What is kept, and when (two reviews measured each of these going wrong):
 * - Content is kept from its second read on; the first only sets two bits for its revision
 *   id (Doorkeeper). Content read once (a crawl, an export) keeps nothing but the few the
 *   doorkeeper takes for seen.
 * - Content whose copy would cost as much as a parse is parsed every time, marked so
 *   without its text: an object of more than MAX_KEYS keys (V8's parser builds wide objects
 *   at their final size, a copy grows them key by key), a key that starts with a digit
 *   (`"2024"`: index-like keys live apart from the others, and copying them was 3–6× slower
 *   than parsing), a key `__proto__`, nesting deeper than MAX_COPY_DEPTH (copying is
 *   recursive), and content over a sixteenth of the budget (marked before any copy).
 * - While kept values are let go before they are found again (content read in a cycle
 *   longer than the budget), fewer second reads are kept (#admits): reads then cost about
 *   what parsing does, instead of a parse and a copy for nothing.
 * - The budget counts each entry's text, an estimate of its parsed value's memory (content
 *   of many small objects, `[{},{},…]`, takes 20 bytes of heap a character of text) and
 *   ENTRY_BYTES. The estimate is close for posts and rich text; it counts a character a
 *   byte, so text outside Latin-1 takes up to twice what it counts.
 * - Entries go in CLOCK order (see ClockRing): constant time per entry let go.
 */
export class ContentMemo {
  readonly #maxBytes: number
  readonly #entries = new Map<string, Entry>()
  readonly #ring = new ClockRing<Entry>()
  readonly #evicted = (e: Entry) => this.#entries.delete(e.rev)
  readonly #seen: Doorkeeper
  readonly #copiers = new Copiers()
  /** See #admits: values kept and hits in this window, and one in how many second reads is kept. */
  #kept = 0
  #hits = 0
  #tick = 0
  #admitEvery = 1

  constructor(maxBytes: number = DEFAULT_CONTENT_MEMO_BYTES) {
    this.#maxBytes = maxBytes
    this.#seen = new Doorkeeper(maxBytes)
  }

  /** The value of `text`, content of revision `rev`: a fresh copy of what JSON.parse gives. */
  parse(rev: string, text: string): unknown {
    const e = this.#entries.get(rev)
    if (e !== undefined) {
      if (e.value === PARSE) return JSON.parse(text)
      if (e.text === text) {
        e.used = true
        if (++this.#hits >= ADMIT_WINDOW) this.#window()
        return e.copy !== undefined ? e.copy(e.value) : copyJson(e.value)
      }
      // Other text under this revision id: the old entry can never be used again.
      this.#ring.remove(e)
      this.#entries.delete(rev)
    }
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && this.#maxBytes > 0) {
      // Kept from the second read on (see ContentMemo); what the caller got is theirs.
      if (this.#seen.check(rev) && this.#admits()) this.#keep(rev, text, value)
    }
    return value
  }

  /**
   * Whether a second read may be kept now. Content read in a cycle longer than the budget
   * holds (every revision again, before its turn comes back) is let go before it is read
   * again: each keep is then a copy for nothing, which made such reads 2.5× a parse. So
   * windows of ADMIT_WINDOW values kept or hits, whichever come first, count both: while
   * kept values are found less often than they are kept, only one second read in
   * `#admitEvery` is kept, doubling up to 64 with each such window, and halving with each
   * window of at least as many hits as keeps.
   */
  #admits(): boolean {
    if (++this.#tick < this.#admitEvery) return false
    this.#tick = 0
    return true
  }

  #window(): void {
    this.#admitEvery =
      this.#hits < this.#kept
        ? Math.min(64, this.#admitEvery * 2)
        : Math.max(1, this.#admitEvery >> 1)
    this.#kept = 0
    this.#hits = 0
  }

  /** Keep a copy of `value`, or mark the revision to be parsed every time. */
  #keep(rev: string, text: string, value: unknown): void {
    const cap = this.#maxBytes / 16
    // Too large to keep: marked before any copy is made, so that no read copies it again.
    if (ENTRY_BYTES + text.length > cap) return this.#markParse(rev)
    const admitted = admitCopy(value)
    if (admitted === undefined) return this.#markParse(rev)
    // The key and the text are slices of the row the store read: they hold all of it.
    const bytes = ENTRY_BYTES + text.length + admitted.heapBytes
    if (bytes > cap) return this.#markParse(rev)
    const e: Entry = {
      rev,
      text,
      value: admitted.copy,
      copy: this.#copiers.of(admitted.copy),
      bytes,
      used: false,
      slot: -1,
    }
    this.#add(e)
    if (++this.#kept >= ADMIT_WINDOW) this.#window()
  }

  /**
   * Mark a revision to be parsed every time. The mark holds a copy of the id, not the
   * slice of the row it came in (which would hold the whole row, the content with it).
   */
  #markParse(rev: string): void {
    // Joined code unit by code unit: a new flat string, equal to `rev` whatever it holds.
    const own = rev.split('').join('')
    this.#add({
      rev: own,
      text: '',
      value: PARSE,
      copy: undefined,
      bytes: ENTRY_BYTES,
      used: false,
      slot: -1,
    })
  }

  #add(e: Entry): void {
    this.#ring.fit(this.#maxBytes - e.bytes, this.#evicted)
    this.#ring.add(e)
    this.#entries.set(e.rev, e)
  }

  clear(): void {
    this.#entries.clear()
    this.#ring.clear()
    this.#seen.clear()
    this.#copiers.clear()
  }

  /** Bytes counted against the budget, for tests. */
  get bytes(): number {
    return this.#ring.bytes
  }

  /** Entries (kept, or marked to parse), for tests. */
  get size(): number {
    return this.#entries.size
  }

  /** One in how many second reads is kept now (see #admits), for tests. */
  get keepsEvery(): number {
    return this.#admitEvery
  }

  /** What is kept for a revision, for tests: its value, a mark to parse it, or nothing. */
  stateOf(rev: string): 'kept' | 'parsed' | undefined {
    const e = this.#entries.get(rev)
    return e === undefined ? undefined : e.value === PARSE ? 'parsed' : 'kept'
  }
}
