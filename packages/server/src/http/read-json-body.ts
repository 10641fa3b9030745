import { InputError } from '@galley/core'
import { IncompleteBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors'
import { assertSafeText } from './unsafe-text'

/** Deepest nesting a JSON body may have; deeper trees cost stack in every later step. */
export const MAX_JSON_DEPTH = 64

/**
 * Read a JSON body within `maxBytes`: the declared Content-Length is checked first, then
 * the bytes actually streamed (a lying or absent header cannot get past the limit).
 * Returns `undefined` for an empty (zero-byte) body. Throws 400, 413 or 415 errors.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = req.headers.get('content-length')
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim()))
      throw new InputError('Content-Length must be a whole number of bytes.')
    if (Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes)
  }
  const type = req.headers.get('content-type') ?? undefined
  // The bytes are read as plain UTF-8: a compressed body or another charset would be read
  // as something it is not (gzip: "not valid UTF-8"; UTF-16: a JSON error), or worse, pass.
  // Checked before the bytes are read (a real gzip body failed the UTF-8 check first), and
  // only when a body may come: a request without one is not refused for its headers.
  const mayHaveBody = req.body !== null && declared?.trim() !== '0'
  const encoding = req.headers.get('content-encoding')?.trim().toLowerCase()
  if (mayHaveBody && encoding && encoding !== 'identity')
    throw new UnsupportedMediaTypeError(
      type,
      `Content-Encoding '${encoding.slice(0, 40)}' is not supported: send the JSON uncompressed.`,
    )
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type ?? '')?.[1]?.toLowerCase()
  if (mayHaveBody && charset && charset !== 'utf-8' && charset !== 'utf8')
    throw new UnsupportedMediaTypeError(
      type,
      `charset '${charset.slice(0, 40)}' is not supported: send the JSON as UTF-8.`,
    )
  const text = await readText(req, maxBytes)
  if (text === '') return undefined
  if (!isJsonType(type)) throw new UnsupportedMediaTypeError(type)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new InputError(`The body is not valid JSON: ${(err as Error).message.slice(0, 120)}`)
  }
  if (depthOfJson(text) > MAX_JSON_DEPTH)
    throw new InputError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels.`)
  // Text that is valid UTF-8 holds no NUL or lone surrogate unless a `\u` escape wrote one:
  // only then are the parsed strings walked.
  if (MAY_ESCAPE_UNSAFE.test(text)) assertSafeText(value, 'The body')
  return value
}

/** Like `readJsonBody`, but the body must be a JSON object. */
export async function readJsonObject(
  req: Request,
  maxBytes: number,
  what = 'The body',
): Promise<Record<string, unknown>> {
  const value = await readJsonBody(req, maxBytes)
  if (value === undefined) throw new InputError(`${what} is missing: send a JSON object.`)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `${what} must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
    )
  }
  return value as Record<string, unknown>
}

function isJsonType(type: string | undefined): boolean {
  if (!type) return false
  const mime = type.split(';')[0]!.trim().toLowerCase()
  return mime === 'application/json'
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return ''
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch (err) {
      throw new IncompleteBodyError(err)
    }
    const { done, value } = chunk
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new PayloadTooLargeError(maxBytes)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all)
  } catch {
    throw new InputError('The body is not valid UTF-8.')
  }
}

/** A `\u` escape of NUL or of a surrogate (paired or not; the walk decides), in any case. */
const MAY_ESCAPE_UNSAFE = /\\u(?:0000|[dD][89a-fA-F])/

/**
 * Nesting depth of valid JSON text, read off its brackets outside strings: one pass over
 * the characters, whatever the parsed tree holds (a body of a quarter of a million empty
 * arrays costs what its megabyte of text costs to scan, not a walk of every node).
 */
export function depthOfJson(text: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      // A string: skip to its closing quote, over escapes (the text parsed, so it closes).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 92) i++
        else if (d === 34) break
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth
    } else if (c === 93 || c === 125) depth--
  }
  return max
}
