import { BYPASS_PARAMS, SECRET_PARAMS } from './preview-params'

const FALLBACK = '/'
const MAX_LENGTH = 4096
const MAX_DECODE_ROUNDS = 8
// C0 and C1 controls, DEL. Tab, CR and LF are among them: the URL parser drops those silently.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/
const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g
const SECRET_NAMES = new Set(SECRET_PARAMS.map((p) => p.toLowerCase()))

/**
 * Reduces a redirect target to path + query + hash on the frontend's own origin. Anything that
 * could leave the origin — `//host`, `/\host`, `\\host`, a scheme, control characters, leading
 * whitespace, or a percent-encoded (even multiply-encoded) form of these — becomes `/`. The
 * preview secret's query parameters are stripped.
 *
 * @param target the requested path, e.g. the `galley-preview-pathname` parameter
 * @param origin the frontend's origin (a full URL is fine; only its origin is used)
 * @example
 * sanitizeRedirect('/blog/x?a=1#top', 'https://site.example') // '/blog/x?a=1#top'
 * sanitizeRedirect('//evil.example', 'https://site.example') // '/'
 */
export function sanitizeRedirect(target: string | null | undefined, origin: string): string {
  const expected = normalizeOrigin(origin)
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_LENGTH) {
    return FALLBACK
  }
  if (!everyDecodingIsSafe(target, expected)) return FALLBACK

  let url: URL
  try {
    url = new URL(target, expected + '/')
  } catch {
    return FALLBACK
  }
  if (url.origin !== expected || url.username !== '' || url.password !== '') return FALLBACK

  const names = [...new Set(url.searchParams.keys())]
  for (const name of names) {
    if (SECRET_NAMES.has(name.toLowerCase())) url.searchParams.delete(name)
  }

  const out = url.pathname + url.search + url.hash
  // The parser normalises dot segments, so `/.//host` comes out as `//host`: check the result too.
  if (!everyDecodingIsSafe(out, expected)) return FALLBACK
  return out
}

/**
 * Copies Vercel's protection-bypass parameters from the incoming enable URL onto an already
 * sanitised path, and sanitises the result again.
 */
export function withBypassParams(path: string, from: URL, origin: string): string {
  const carried = BYPASS_PARAMS.filter((name) => from.searchParams.has(name))
  if (carried.length === 0) return path
  const url = new URL(path, normalizeOrigin(origin) + '/')
  for (const name of carried) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, from.searchParams.get(name) ?? '')
  }
  return sanitizeRedirect(url.pathname + url.search + url.hash, origin)
}

function normalizeOrigin(origin: string): string {
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    throw new TypeError(`sanitizeRedirect: origin must be an absolute URL, got "${origin}".`)
  }
  if (parsed.origin === 'null') {
    throw new TypeError(`sanitizeRedirect: origin "${origin}" has no http(s) origin.`)
  }
  return parsed.origin
}

/**
 * Checks the string and every percent-decoding of it until decoding changes nothing: a later
 * hop (a proxy, a framework, the page's own router) may decode once more than we expect.
 */
function everyDecodingIsSafe(input: string, origin: string): boolean {
  let level = input
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (!isSafeLevel(level) || !staysOnOrigin(level, origin)) return false
    const next = decodeLeniently(level)
    if (next === level) return true
    level = next
  }
  // Still decoding after this many rounds: nobody encodes a real path like that.
  return false
}

function isSafeLevel(s: string): boolean {
  if (s[0] !== '/') return false // also rules out schemes, `\\host` and leading whitespace
  if (s[1] === '/' || s[1] === '\\') return false
  if (s.includes('\\')) return false
  if (CONTROL.test(s)) return false
  return true
}

function staysOnOrigin(s: string, origin: string): boolean {
  try {
    const url = new URL(s, origin + '/')
    return url.origin === origin && !url.pathname.startsWith('//')
  } catch {
    return false
  }
}

// decodeURIComponent throws on one malformed escape, which would let `%ZZ` hide `%2F%2F`;
// decoding each run of escapes on its own (bad bytes become U+FFFD) cannot be stopped that way.
function decodeLeniently(s: string): string {
  return s.replace(ESCAPE_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3)
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16)
    return new TextDecoder().decode(bytes)
  })
}
