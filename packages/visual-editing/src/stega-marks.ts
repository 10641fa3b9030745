/*
 * Galley's stega marks, read without depending on @galley/client: `@vercel/stega`'s encoding
 * (four characters a byte after a start marker) of `{"origin":"galley","href":"<ref>"}`, where
 * `<ref>` is `posts/p1#blocks.0.title` or `~settings#siteName`.
 */

const DIGITS = ['\u200b', '\u200c', '\u200d', '\ufeff'] as const
const VALUE: Record<string, number> = { '\u200b': 0, '\u200c': 1, '\u200d': 2, '\ufeff': 3 }
const START = '\u200b\u200b\u200b\u200b'
const RUN = /[\u200b\u200c\u200d\ufeff]{8,}/g
const HAS_RUN = /[\u200b\u200c\u200d\ufeff]{8,}/

/** A field of a document, as a mark or a `data-galley-edit` attribute names it. */
export interface EditTarget {
  /** `posts/p1` or `~settings`. */
  document: string
  /** Dotted path from the document root, e.g. `blocks.0.title`. */
  path: string
}

/** A mark found in a string, with where it sits. */
export interface FoundMark extends EditTarget {
  start: number
  end: number
}

/** Whether `text` may hold a mark (cheap; {@link findMarks} decides). */
export function mayHoldMark(text: string): boolean {
  return HAS_RUN.test(text)
}

/** Reads a reference such as `posts/p1#title`; `undefined` for anything else. */
export function parseRef(ref: string): EditTarget | undefined {
  const match = /^((?:~[^/#~]+)|(?:[^/#~]+\/[^/#]+))#([^#]*)$/.exec(ref.trim())
  if (!match) return undefined
  return { document: match[1], path: match[2] }
}

/** Galley's marks in `text`; zero-width characters of the content are told apart from them. */
export function findMarks(text: string): FoundMark[] {
  const marks: FoundMark[] = []
  if (!HAS_RUN.test(text)) return marks
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
      } else at = start + 1
    }
  }
  return marks
}

function readMark(text: string, start: number, stop: number): FoundMark | undefined {
  const bytes: number[] = []
  for (let i = start + 4; i + 4 <= stop; i += 4) {
    const byte =
      (VALUE[text[i]] << 6) |
      (VALUE[text[i + 1]] << 4) |
      (VALUE[text[i + 2]] << 2) |
      VALUE[text[i + 3]]
    bytes.push(byte)
    if (bytes.length === 1 && byte !== 0x7b) return undefined
    if (byte !== 0x7d) continue
    let info: { origin?: unknown; href?: unknown }
    try {
      info = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)))
    } catch {
      continue
    }
    if (info?.origin !== 'galley' || typeof info.href !== 'string') return undefined
    const target = parseRef(info.href)
    return target && { ...target, start, end: i + 4 }
  }
  return undefined
}

/** `text` without Galley's marks (the content's own zero-width characters stay). */
export function cleanMarks(text: string): string {
  const marks = findMarks(text)
  if (marks.length === 0) return text
  let out = ''
  let from = 0
  for (const mark of marks) {
    out += text.slice(from, mark.start)
    from = mark.end
  }
  return out + text.slice(from)
}

/** The mark for a field, byte for byte what `@galley/client` writes. */
export function encodeMark(target: EditTarget): string {
  const json = JSON.stringify({ origin: 'galley', href: `${target.document}#${target.path}` })
  let out = START
  for (const byte of new TextEncoder().encode(json)) {
    out +=
      DIGITS[(byte >> 6) & 3] + DIGITS[(byte >> 4) & 3] + DIGITS[(byte >> 2) & 3] + DIGITS[byte & 3]
  }
  return out
}
