// Deep copies of parsed JSON for ContentMemo (content-memo.ts): the one kept, and the ones handed out.

/** Objects of more keys than this are parsed, not copied (see ContentMemo). */
const MAX_KEYS = 20
/** Content nested deeper than this (the outermost object is level 1) is parsed, not copied. */
const MAX_COPY_DEPTH = 64

/** Thrown by admitJson for content that copies no faster than it parses. */
const NOT_WORTH = new Error('content not worth copying')

/** Estimated heap of the value admitJson is copying (bytes): objects, arrays, strings. */
let heapEstimate = 0

/**
 * The copy of `value` to keep, and an estimate of its memory (bytes); undefined for content
 * that copies no faster than it parses (see ContentMemo).
 */
export function admitCopy(value: unknown): { copy: unknown; heapBytes: number } | undefined {
  heapEstimate = 0
  try {
    const copy = admitJson(value, 1)
    return { copy, heapBytes: heapEstimate }
  } catch (err) {
    if (err === NOT_WORTH) return undefined
    throw err
  }
}

/**
 * The copy kept at a second read: copyJson's, but refusing content that copies no faster
 * than it parses (NOT_WORTH, see ContentMemo) and counting its memory (heapEstimate,
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
export function copyJson(v: unknown): unknown {
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
