import { byteBudget } from './byte-budget'
import { type ClockEntry, ClockRing } from './clock-ring'

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
 * whose strings are shared (they cannot change). Copying a 700-byte post costs about a
 * third of parsing it: strings need no scanning, only objects and arrays are made.
 *
 * What is kept, and when (a review measured each of these going wrong):
 * - Content is kept from its second read on; the first only sets a bit for its revision
 *   id (Doorkeeper). Content read once (a crawler, an export) costs one parse, as without
 *   the memo, and keeps nothing.
 * - Content whose copy would cost as much as a parse is parsed every time: an object of
 *   more than MAX_KEYS keys (V8's parser builds wide objects at their final size, a copy
 *   grows them key by key), a key that is an array index (`"2024"`: such keys live apart
 *   from the others, and copying them was 3–6× slower than parsing), or nesting deeper than
 *   MAX_COPY_DEPTH (copying is recursive).
 * - The budget counts the text and an estimate of the parsed value's memory, so content of
 *   many small objects (`[{},{},…]`, 20 bytes of heap a character of text) fills it as fast
 *   as it fills the heap.
 * - Entries go in CLOCK order (see ClockRing): constant time per entry let go.
 */
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
/** Objects of more keys than this are parsed, not copied (see the class comment). */
const MAX_KEYS = 20
/** Content nested deeper than this (the outermost object is level 1) is parsed, not copied. */
const MAX_COPY_DEPTH = 64
/** What an entry costs beyond its content: itself, its key, the ring and map slots, the row's other columns its text holds on to. */
const ENTRY_BYTES = 192

/** An entry whose copy would cost as much as a parse: parsed every time (see class comment). */
const PARSE = Symbol('parse')

interface Entry extends ClockEntry {
  rev: string
  /** The text the value was parsed from; '' for PARSE (any text is parsed then). */
  text: string
  value: unknown
  /** Its shape's copier (see copierOf), if it has one. */
  copy: Copier | undefined
}

export class ContentMemo {
  readonly #maxBytes: number
  readonly #entries = new Map<string, Entry>()
  readonly #ring = new ClockRing<Entry>()
  readonly #evicted = (e: Entry) => this.#entries.delete(e.rev)
  readonly #seen = new Doorkeeper()
  /** See #admits: keeps and hits in this window, and how many second reads per keep. */
  #admitted = 0
  #hits = 0
  #tick = 0
  #admitEvery = 1

  constructor(maxBytes: number = DEFAULT_CONTENT_MEMO_BYTES) {
    this.#maxBytes = maxBytes
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
      // Kept from the second read on (see the class comment); what the caller got is theirs.
      if (this.#seen.check(rev) && this.#admits()) this.#keep(rev, text, value)
    }
    return value
  }

  /**
   * Whether a second read may be kept now. Content read in a cycle longer than the budget
   * holds (every revision again, before its turn comes back) is let go before it is read
   * again: each keep is then a copy for nothing, which made such reads 2.5× a parse. So
   * while kept content is found less than once per keep, over windows of ADMIT_WINDOW
   * keeps, only every `#admitEvery`-th second read is kept (doubling up to 64); as many
   * hits as keeps in a window (which ends after ADMIT_WINDOW of either) bring it back to
   * every one.
   */
  #admits(): boolean {
    if (++this.#tick < this.#admitEvery) return false
    this.#tick = 0
    if (++this.#admitted >= ADMIT_WINDOW) this.#window()
    return true
  }

  /** The end of a window of ADMIT_WINDOW keeps or hits, whichever came first (see #admits). */
  #window(): void {
    this.#admitEvery = this.#hits < this.#admitted ? Math.min(64, this.#admitEvery * 2) : 1
    this.#admitted = 0
    this.#hits = 0
  }

  /** Keep a copy of `value`, or mark the revision to be parsed every time. */
  #keep(rev: string, text: string, value: unknown): void {
    // The key and the text are slices of the row the store read: they hold all of it.
    let bytes = ENTRY_BYTES + text.length
    let kept: unknown = PARSE
    try {
      heapEstimate = 0
      const copy = admitJson(value, 1)
      if (bytes + heapEstimate <= this.#maxBytes / 16) {
        kept = copy
        bytes += heapEstimate
      }
    } catch (err) {
      if (err !== NOT_WORTH) throw err
    }
    if (bytes > this.#maxBytes / 16) return
    this.#ring.fit(this.#maxBytes - bytes, this.#evicted)
    const e: Entry = {
      rev,
      text: kept === PARSE ? '' : text,
      value: kept,
      copy: kept === PARSE ? undefined : copierOf(kept),
      bytes,
      used: false,
      slot: -1,
    }
    this.#ring.add(e)
    this.#entries.set(rev, e)
  }

  clear(): void {
    this.#entries.clear()
    this.#ring.clear()
    this.#seen.clear()
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

/**
 * Which revisions were read lately, as bits of a hash of their id (a "doorkeeper"): the
 * first read of a revision sets its bit, a later one finds it set. It holds no strings, so
 * a scan of more content than the budget (a crawler, an export) keeps nothing and costs no
 * more than parsing; a false "seen" only keeps something one read early. Cleared after as
 * many first reads as it has bits / 8, so old reads fade.
 */
class Doorkeeper {
  readonly #bits = new Int32Array(1 << 14) // 2^19 bits, 64 KiB
  #added = 0

  /** Whether `key` was seen since the last clear; marks it seen. */
  check(key: string): boolean {
    let h = 0x811c9dc5 // FNV-1a, 32 bits
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
    const word = (h >>> 5) & ((1 << 14) - 1)
    const bit = 1 << (h & 31)
    if ((this.#bits[word]! & bit) !== 0) return true
    this.#bits[word]! |= bit
    if (++this.#added >= 1 << 16) this.clear()
    return false
  }

  clear(): void {
    this.#bits.fill(0)
    this.#added = 0
  }
}

const NOT_WORTH = new Error('content not worth copying')

/** Estimated heap of the value admitJson last copied (bytes): objects, arrays, strings. */
let heapEstimate = 0

/**
 * The copy kept at a second read: copyJson's, but refusing content that copies no faster
 * than it parses (NOT_WORTH, see the class comment) and counting its memory (heapEstimate,
 * about what V8 takes without pointer compression: 24 bytes an object or array, 8 a slot,
 * 16 a number that is not a small integer, 16 and a byte a character a string).
 */
function admitJson(v: unknown, depth: number): unknown {
  if (typeof v === 'string') {
    heapEstimate += 16 + v.length
    return v
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) heapEstimate += 16
    return v
  }
  if (typeof v !== 'object' || v === null) return v
  if (depth > MAX_COPY_DEPTH) throw NOT_WORTH
  if (Array.isArray(v)) {
    const n = v.length
    heapEstimate += 24 + 8 * n
    const out = v.slice()
    for (let i = 0; i < n; i++) out[i] = admitJson(v[i], depth + 1)
    return out
  }
  const keys = Object.keys(v)
  if (keys.length > MAX_KEYS) throw NOT_WORTH
  heapEstimate += 24 + 8 * keys.length
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    const c = k.charCodeAt(0)
    if (c >= 48 && c <= 57) throw NOT_WORTH // a digit first: maybe an array index
    // JSON.parse makes `__proto__` an own property; a copy would have to define it, on
    // every read. Content with such a key (hostile, or a mistake) is parsed instead.
    if (k === '__proto__') throw NOT_WORTH
    out[k] = admitJson((v as Record<string, unknown>)[k], depth + 1)
  }
  return out
}

/**
 * A deep copy of a kept value (admitJson made it, so it is worth copying, and has no key
 * `__proto__`): the same keys in the same order, arrays as arrays (a slice first, which
 * keeps V8's compact kinds of number arrays). Objects are built key by key, not by a
 * spread: the engine then adds the head's fields to each document, and objects of a spread
 * share no hidden classes with each other (a page of twenty took 2.5× as long).
 */
function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const out = v.slice()
    for (let i = 0; i < out.length; i++) {
      const x = out[i]
      if (typeof x === 'object' && x !== null) out[i] = copyJson(x)
    }
    return out
  }
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) out[k] = copyJson((v as Record<string, unknown>)[k])
  return out
}

type Copier = (v: unknown) => unknown

/** Copiers of document shapes (see copierOf), at most MAX_COPIERS. */
const copiers = new Map<string, Copier>()
const MAX_COPIERS = 512
/** False once the runtime refused to compile one (`--disallow-code-generation-from-strings`). */
let compiles = true

/**
 * A copier for objects of `value`'s shape: its keys in order, and which hold objects or
 * arrays. It is one object literal (`{"title": v["title"], "blocks": c(v["blocks"])}`),
 * which V8 builds from a ready hidden class: a fifth of the time of adding the keys one
 * by one, the most a kept post costs. Keys are written as JSON strings, which are
 * JavaScript strings; admitJson let through no `__proto__` (a literal would set the
 * prototype) and no index-like key (a literal would reorder it). Undefined for an array,
 * when the shapes are all taken, or where code cannot be compiled: copyJson then.
 */
function copierOf(value: unknown): Copier | undefined {
  if (!compiles || typeof value !== 'object' || value === null || Array.isArray(value))
    return undefined
  const keys = Object.keys(value)
  const nested = keys.map((k) => {
    const x = (value as Record<string, unknown>)[k]
    return typeof x === 'object' && x !== null
  })
  // JSON, so that no key (they may hold any character) can make two shapes one.
  const shape = JSON.stringify([keys, nested])
  let copier = copiers.get(shape)
  if (copier === undefined) {
    if (copiers.size >= MAX_COPIERS) return undefined
    const fields = keys.map((k, i) => {
      const key = JSON.stringify(k)
      return `${key}: ${nested[i] ? `c(v[${key}])` : `v[${key}]`}`
    })
    try {
      const make = new Function('c', `return function copy(v) { return { ${fields.join(', ')} } }`)
      copier = make(copyJson) as Copier
    } catch {
      compiles = false
      return undefined
    }
    copiers.set(shape, copier)
  }
  return copier
}
