import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { isCommonPassword } from './common-passwords'

/** scrypt cost parameters (OWASP's minimum for scrypt: N=2^17 is stronger; 2^15 keeps logins ~100 ms). */
const PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keylen: 64 })
/** Longest password accepted; scrypt's cost does not depend on it, but parsing and memory do. */
export const MAX_PASSWORD_LENGTH = 1024
export const MIN_PASSWORD_LENGTH = 8

function derive(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  keylen: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      keylen,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    )
  })
}

/**
 * Hash a password with scrypt and a random 16-byte salt.
 * @example await hashPassword('correct horse') // 'scrypt$32768$8$1$<salt>$<key>'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, PARAMS.N, PARAMS.r, PARAMS.p, PARAMS.keylen)
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$')
}

/** Check a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = typeof stored === 'string' ? stored.split('$') : []
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  // Bounds keep a tampered hash from asking for unbounded memory or time.
  if (
    ![N, r, p].every(Number.isInteger) ||
    N < 2 ||
    N > 2 ** 20 ||
    (N & (N - 1)) !== 0 ||
    r < 1 ||
    r > 32 ||
    p < 1 ||
    p > 16
  )
    return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length < 16 || expected.length > 128) return false
  const key = await derive(password, salt, N, r, p, expected.length)
  return timingSafeEqual(key, expected)
}

/**
 * The longest raw password a request may carry, in UTF-16 units. NFKC composes at most three
 * code points into one (a Hangul syllable from its jamo, a letter with two accents), so four
 * times MAX_PASSWORD_LENGTH leaves room for every password of MAX_PASSWORD_LENGTH characters,
 * however it was written. Sign-in checks the same bound, so every password that can be set
 * can be used.
 */
export const MAX_RAW_PASSWORD_LENGTH = MAX_PASSWORD_LENGTH * 4

/**
 * Why a password is unacceptable, or null, by NIST SP 800-63B. After NFKC normalisation (as
 * it is hashed):
 * - no control characters (U+0000–U+001F, U+007F–U+009F): nobody can type them at a prompt;
 * - at least 8 characters, counted as a person sees them: grapheme clusters (a letter and its
 *   accents are one), not counting characters that render as nothing (zero-width spaces and
 *   joiners, soft hyphens, variation selectors, tags);
 * - not only whitespace or such invisible characters;
 * - at most 1024 code points;
 * - not one of the commonly used passwords attackers try first, compared ignoring case and
 *   the invisible characters (`password\u200b` is `password`).
 * Each message names the rule that failed.
 * @example await passwordProblem('password1') // 'password is one of the most commonly used…'
 */
export async function passwordProblem(password: unknown): Promise<string | null> {
  if (typeof password !== 'string') return 'password must be a string.'
  if (password.length > MAX_RAW_PASSWORD_LENGTH)
    return `password must be at most ${MAX_PASSWORD_LENGTH} characters.`
  const normalized = password.normalize('NFKC')
  if (CONTROL.test(normalized))
    return 'password must not contain control characters (tabs, line breaks, U+0000–U+001F, U+007F–U+009F).'
  if (codePoints(normalized) > MAX_PASSWORD_LENGTH)
    return `password must be at most ${MAX_PASSWORD_LENGTH} characters.`
  const visible = normalized.replace(INVISIBLE, '')
  const length = graphemes(visible)
  if (length < MIN_PASSWORD_LENGTH)
    return `password must be at least ${MIN_PASSWORD_LENGTH} characters (it has ${length} after Unicode NFKC normalisation, counting a letter with its accents once and invisible characters not at all).`
  if (WHITESPACE_ONLY.test(visible))
    return 'password must not be only whitespace or invisible characters.'
  if (await isCommonPassword(visible))
    return 'password is one of the most commonly used passwords, which attackers try first: choose another (several unrelated words work well).'
  return null
}

const CONTROL = /\p{Cc}/u

/**
 * Characters that render as nothing: Unicode's default-ignorables (zero-width spaces and
 * joiners, soft hyphen, variation selectors, tags, fillers) and the blank patterns and
 * fillers that are not in that class.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800\u3164\uFFA0\u115F\u1160]/gu

/** Only whitespace (all of Unicode's, NEL and ideographic space too, not just what `trim` removes). */
const WHITESPACE_ONLY = /^\p{White_Space}*$/u

function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' })

function graphemes(s: string): number {
  let n = 0
  for (const _ of segmenter.segment(s)) n++
  return n
}

/** A hash of a random password, verified against when an email is unknown so timing does not reveal which emails exist. */
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  return dummy
}
