import { parseStegaRef, type StegaSourceEntry } from './stega-ref'

// The four characters `@vercel/stega` encodes with (two bits each) and its start marker.
const VALUE: Record<string, number> = { '\u200b': 0, '\u200c': 1, '\u200d': 2, '\ufeff': 3 }
const START = '\u200b\u200b\u200b\u200b'
const RUN = /[\u200b\u200c\u200d\ufeff]{8,}/g
const HAS_RUN = /[\u200b\u200c\u200d\ufeff]{8,}/
const CLOSE = 0x7d // '}'

/** A mark found in a string: where it sits and the source map entry it refers to. */
export interface StegaMark extends StegaSourceEntry {
  /** The mark's `href` as written (see `stegaRef`). */
  ref: string
  /** Index of the mark's first invisible character. */
  start: number
  /** Index after its last. */
  end: number
}

/**
 * Finds Galley's marks in `text`. Zero-width characters that belong to the content (joiners
 * in emoji or scripts, stray BOMs, even runs that touch a mark) are told apart from marks:
 * a mark counts only where its characters decode to `{"origin":"galley","href":…}`.
 */
export function stegaDecodeAll(text: string): StegaMark[] {
  const marks: StegaMark[] = []
  for (const run of text.matchAll(RUN)) {
    let at = run.index
    const stop = at + run[0].length
    while (at + 8 <= stop) {
      const start = text.indexOf(START, at)
      if (start === -1 || start + 8 > stop) break
      const found = readMark(text, start, stop)
      if (found) {
        marks.push(found)
        at = found.end
      } else {
        at = start + 1
      }
    }
  }
  return marks
}

/** The first Galley mark in `text`, or `undefined`. */
export function stegaDecode(text: string): StegaMark | undefined {
  return stegaDecodeAll(text)[0]
}

function readMark(text: string, start: number, stop: number): StegaMark | undefined {
  const bytes: number[] = []
  for (let i = start + 4; i + 4 <= stop; i += 4) {
    const byte =
      (VALUE[text[i]] << 6) |
      (VALUE[text[i + 1]] << 4) |
      (VALUE[text[i + 2]] << 2) |
      VALUE[text[i + 3]]
    bytes.push(byte)
    if (bytes.length === 1 && byte !== 0x7b) return undefined // '{'
    if (byte !== CLOSE) continue
    let value: unknown
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)))
    } catch {
      continue
    }
    const info = value as { origin?: unknown; href?: unknown }
    if (info?.origin !== 'galley' || typeof info.href !== 'string') return undefined
    const entry = parseStegaRef(info.href)
    if (!entry) return undefined
    return { ...entry, ref: info.href, start, end: i + 4 }
  }
  return undefined
}

/**
 * Removes Galley's marks from a string, or from every string in an object or array (a copy).
 * The content's own zero-width characters stay, so `stegaClean(stegaEncode(x)) === x`.
 */
export function stegaClean<T>(value: T): T {
  if (typeof value === 'string') return cleanString(value) as T
  if (Array.isArray(value)) return value.map((item) => stegaClean(item)) as T
  if (value !== null && typeof value === 'object' && isPlain(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(value)) out[key] = stegaClean(child)
    return out as T
  }
  return value
}

/**
 * Compares two possibly marked strings by their text: `stegaEqual(post.category, 'news')`.
 * Use it (or `stegaClean`) wherever a marked string meets `===`, a `switch`, a `Map` key, a
 * class name or a URL.
 */
export function stegaEqual(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b
  return cleanString(a) === cleanString(b)
}

/** Splits a string into its text and its first mark (`undefined` when it has none). */
export function stegaSplit(text: string): { cleaned: string; mark: StegaMark | undefined } {
  return { cleaned: cleanString(text), mark: stegaDecode(text) }
}

function cleanString(text: string): string {
  if (!HAS_RUN.test(text)) return text
  const marks = stegaDecodeAll(text)
  let out = ''
  let from = 0
  for (const mark of marks) {
    out += text.slice(from, mark.start)
    from = mark.end
  }
  return out + text.slice(from)
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
