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
  const text = await readText(req, maxBytes)
  if (text === '') return undefined
  const type = req.headers.get('content-type') ?? undefined
  if (!isJsonType(type)) throw new UnsupportedMediaTypeError(type)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new InputError(`The body is not valid JSON: ${(err as Error).message.slice(0, 120)}`)
  }
  if (depthOf(value) > MAX_JSON_DEPTH)
    throw new InputError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels.`)
  assertSafeText(value, 'The body')
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

/**
 * Nesting depth of a parsed JSON value, without recursion. Only objects and arrays are
 * pushed, with plain loops: a body of a million small array items must cost little.
 */
export function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0
  let max = 0
  const values: object[] = [value]
  const depths: number[] = [1]
  while (values.length) {
    const v = values.pop()!
    const d = depths.pop()!
    if (d > max) max = d
    if (max > MAX_JSON_DEPTH) return max
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v)
    for (let i = 0; i < children.length; i++) {
      const child = children[i]
      if (typeof child === 'object' && child !== null) {
        values.push(child)
        depths.push(d + 1)
      }
    }
  }
  return max
}
