import { decodeBase64url, encodeBase64url } from './base64url'
import { parsePreviewPerspective, type PreviewPerspective } from './preview-perspective'

/** What the draft-mode cookie carries. */
export interface DraftCookiePayload {
  perspective: PreviewPerspective
  expiresAt: Date
  /**
   * The id of the preview grant (secret or shared link) the session was made from, sent back
   * to the Galley server with every preview read so that revoking the grant ends the session.
   * Null (or left out when signing) for a server that names no grant.
   */
  grant?: string | null
}

/** Signs and verifies draft-mode cookie values. */
export interface CookieSigner {
  /** A cookie value for `name` carrying the payload, signed with the first key. */
  sign(name: string, payload: DraftCookiePayload): Promise<string>
  /** The payload, or `null` when the value is malformed, signed by no known key, or expired. */
  verify(name: string, value: string): Promise<DraftCookiePayload | null>
}

/** A cookie-signing key or a list of them: the first signs, every one verifies. */
export type CookieSecret = string | readonly string[]

const MIN_SECRET_LENGTH = 32
const MIN_DISTINCT_CHARS = 10
const VERSION = 'v1'
const MAX_VALUE_LENGTH = 4096
const MAC_BYTES = 32

/**
 * Makes an HMAC-SHA256 signer for draft-mode cookies. Rotate keys by putting the new one
 * first and keeping the old one after it until old cookies have expired.
 * Throws a `TypeError` at once for a missing or weak key (shorter than 32 characters).
 *
 * @example
 * const signer = createCookieSigner([process.env.DRAFT_COOKIE_SECRET!, process.env.OLD_SECRET!])
 */
export function createCookieSigner(secret: CookieSecret): CookieSigner {
  const secrets = checkSecrets(secret)
  const encoder = new TextEncoder()
  let keys: Promise<CryptoKey[]> | undefined
  const getKeys = () =>
    (keys ??= Promise.all(
      secrets.map((s) =>
        crypto.subtle.importKey(
          'raw',
          encoder.encode(s),
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['sign'],
        ),
      ),
    ))
  const mac = async (key: CryptoKey, data: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data)))

  return {
    async sign(name, payload) {
      if (payload.grant != null && !isGrantId(payload.grant))
        throw new TypeError('A preview grant id is 1–64 characters of A-Z a-z 0-9 _ -.')
      if (parsePreviewPerspective(payload.perspective) !== payload.perspective)
        throw new TypeError(
          `Sign only a canonical preview perspective such as 'drafts' or 'spring,drafts', not ${JSON.stringify(payload.perspective)}.`,
        )
      const body = encodeBase64url(
        encoder.encode(
          JSON.stringify({
            p: payload.perspective,
            e: payload.expiresAt.getTime(),
            ...(payload.grant == null ? {} : { g: payload.grant }),
          }),
        ),
      )
      const [first] = await getKeys()
      const signed = `${VERSION}.${body}`
      return `${signed}.${encodeBase64url(await mac(first, `${name}=${signed}`))}`
    },

    async verify(name, value) {
      if (value.length > MAX_VALUE_LENGTH) return null
      const parts = value.split('.')
      if (parts.length !== 3 || parts[0] !== VERSION) return null
      const given = decodeBase64url(parts[2])
      if (!given || given.length !== MAC_BYTES) return null

      // Binding the cookie name into the MAC stops a value being replayed under another name.
      const signed = `${parts[0]}.${parts[1]}`
      let matched = false
      for (const key of await getKeys()) {
        // Every key is tried, matched or not, so timing does not tell which one signed.
        if (constantTimeEqual(await mac(key, `${name}=${signed}`), given)) matched = true
      }
      if (!matched) return null

      const bytes = decodeBase64url(parts[1])
      if (!bytes) return null
      let data: unknown
      try {
        data = JSON.parse(new TextDecoder().decode(bytes))
      } catch {
        return null
      }
      if (typeof data !== 'object' || data === null) return null
      const { p, e, g } = data as { p?: unknown; e?: unknown; g?: unknown }
      if (typeof e !== 'number' || !Number.isFinite(e) || e <= Date.now()) return null
      // Only the canonical spelling: a value that merely parses is not what we signed.
      if (typeof p !== 'string' || parsePreviewPerspective(p) !== p) return null
      if (g !== undefined && !isGrantId(g)) return null
      return { perspective: p, expiresAt: new Date(e), grant: g ?? null }
    },
  }
}

/** What a grant id looks like: the server's document ids. */
export function isGrantId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value)
}

/** Compares two byte strings in time that depends only on their length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

function checkSecrets(secret: CookieSecret): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : null
  if (!list || list.length === 0) {
    throw new TypeError(
      'cookieSecret is required: pass a random string of at least 32 characters ' +
        '(e.g. `openssl rand -base64 32`), or a list of them to rotate keys.',
    )
  }
  list.forEach((s, i) => {
    const label = typeof secret === 'string' ? 'cookieSecret' : `cookieSecret[${i}]`
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) {
      throw new TypeError(
        `${label} is too weak: it needs at least ${MIN_SECRET_LENGTH} characters` +
          ` (got ${typeof s === 'string' ? s.length : typeof s}). Generate one with` +
          ' `openssl rand -base64 32` and keep it apart from every other secret.',
      )
    }
    if (new Set(s).size < MIN_DISTINCT_CHARS) {
      throw new TypeError(
        `${label} is too weak: it repeats too few characters to be random.` +
          ' Generate one with `openssl rand -base64 32`.',
      )
    }
  })
  return list
}
