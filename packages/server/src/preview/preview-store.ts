import { ConflictError, InputError, NotFoundError, type Galley, type GalleyDoc } from '@galley/core'
import {
  constantTimeEqual,
  generatePreviewSecret,
  hashPreviewSecret,
  parsePreviewPerspective,
  previewPerspectiveProblem,
  type PreviewPerspective,
} from '@galley/preview'
import { isTokenScope, userOfScope } from '../auth/roles'
import { INTERNAL, USERS } from '../auth/with-auth'
import { PREVIEW_SECRETS } from './preview-collection'
import { PREVIEW_DEFAULTS } from './preview-options'

/** Who made a secret or a shared link: `label` is shown in lists, `id` decides who may revoke. */
export interface PreviewCreator {
  id: string | null
  label: string
}

/** A shared preview link as lists show it: never the secret, never its hash. */
export interface PreviewShare {
  id: string
  name: string
  perspective: PreviewPerspective
  createdBy: string | null
  createdAt: string
  /** Null: the link lives until it is revoked. */
  expiresAt: string | null
  lastUsedAt: string | null
}

/** A secret that passed validation. */
export interface ValidPreviewSecret {
  kind: 'secret' | 'share'
  perspective: PreviewPerspective
  /** When the draft-mode cookie made from it must die (ISO 8601). */
  expiresAt: string
  /**
   * The id of the grant (the secret's or the link's record): preview sessions made from it
   * send it with their reads and end when it is revoked or expires.
   */
  grant: string
}

/** Whether a preview grant still holds, and until when (ms since epoch; null: until revoked). */
export type GrantState = { live: true; expiresAtMs: number | null } | { live: false }

/** Limits of a {@link PreviewStore}; the server passes its `preview` options. */
export interface PreviewStoreLimits {
  defaultTtlSeconds: number
  maxTtlSeconds: number
  maxShareTtlSeconds: number
  shareCookieTtlSeconds: number
}

type SecretData = {
  hash: string
  kind: 'secret' | 'share'
  perspective: string
  singleUse?: boolean | null
  /** When a single-use secret was used: it then validates no more, but its session lives on. */
  usedAt?: string | null
  name?: string | null
  createdBy?: string | null
  createdById?: string | null
  expiresAt?: string | null
  lastUsedAt?: string | null
}
type SecretDoc = GalleyDoc<SecretData>

const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/

/**
 * Whether `secret` has the shape of a preview secret (43 base64url characters). Anything
 * else cannot be one, so it is no guess and is answered without being counted.
 */
export function isWellFormedSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && SECRET_PATTERN.test(secret)
}
const NAME_PATTERN = /^[^\p{Cc}]{1,100}$/u
const SWEEP_BATCH = 100
const encoder = new TextEncoder()

/**
 * Preview secrets and shared preview links, kept in the server's own `galley-preview-secrets`
 * collection like users and tokens are: only the SHA-256 of a secret, bound to a perspective,
 * with its creator and expiry. Secrets are 32 random bytes, shown once.
 *
 * @example
 * const previews = new PreviewStore(galley)
 * const { secret } = await previews.createSecret({ perspective: 'drafts', createdBy: { id: null, label: 'cli' } })
 * await previews.validate(secret) // { kind: 'secret', perspective: 'drafts', expiresAt, grant }
 */
export class PreviewStore {
  readonly #galley: Galley
  readonly #limits: PreviewStoreLimits

  constructor(galley: Galley, limits: Partial<PreviewStoreLimits> = {}) {
    if (!galley.config.collections.has(PREVIEW_SECRETS))
      throw new InputError(
        `This server keeps no preview secrets: build its config with withAuth(), which adds the '${PREVIEW_SECRETS}' collection.`,
      )
    this.#galley = galley
    this.#limits = { ...PREVIEW_DEFAULTS, ...stripUndefined(limits) }
  }

  /**
   * A new preview secret (shown only now) for `perspective` (default `drafts`), living
   * `ttlSeconds` (default 1 h, at most the configured maximum). Expired secrets are swept first.
   */
  async createSecret(input: {
    perspective?: unknown
    ttlSeconds?: number
    singleUse?: boolean
    createdBy: PreviewCreator
  }): Promise<{
    secret: string
    expiresAt: string
    perspective: PreviewPerspective
    singleUse: boolean
  }> {
    const perspective = checkPerspective(input.perspective)
    const ttl = input.ttlSeconds ?? this.#limits.defaultTtlSeconds
    if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > this.#limits.maxTtlSeconds)
      throw new InputError(
        `ttlSeconds must be a whole number from 1 to ${this.#limits.maxTtlSeconds}; use a shared link for longer previews.`,
      )
    const singleUse = input.singleUse === true
    await this.sweep()
    const secret = generatePreviewSecret()
    const expiresAt = new Date(Date.now() + ttl * 1000).toISOString()
    await this.#galley.create({
      collection: PREVIEW_SECRETS,
      data: {
        hash: await hashPreviewSecret(secret),
        kind: 'secret',
        perspective,
        singleUse,
        createdBy: input.createdBy.label,
        createdById: input.createdBy.id,
        expiresAt,
      } satisfies SecretData,
    })
    return { secret, expiresAt, perspective, singleUse }
  }

  /** A new named shared link (its secret is shown only now); without `expiresAt` it lives until revoked. */
  async createShare(input: {
    name: unknown
    perspective?: unknown
    expiresAt?: string | null
    createdBy: PreviewCreator
  }): Promise<{ secret: string; share: PreviewShare }> {
    const name = typeof input.name === 'string' ? input.name.trim() : ''
    if (!NAME_PATTERN.test(name))
      throw new InputError('A shared link needs a name of 1–100 characters, e.g. "Legal review".')
    const perspective = checkPerspective(input.perspective)
    let expiresAt: string | null = null
    if (input.expiresAt !== undefined && input.expiresAt !== null) {
      const at = typeof input.expiresAt === 'string' ? Date.parse(input.expiresAt) : NaN
      const latest = Date.now() + this.#limits.maxShareTtlSeconds * 1000
      if (!Number.isFinite(at) || at <= Date.now() || at > latest)
        throw new InputError(
          `expiresAt must be an ISO 8601 time in the future, at most ${Math.floor(this.#limits.maxShareTtlSeconds / 86400)} days ahead (e.g. ${new Date(Date.now() + 7 * 86400_000).toISOString()}), or null for a link that lives until revoked.`,
        )
      expiresAt = new Date(at).toISOString()
    }
    await this.sweep()
    const secret = generatePreviewSecret()
    const doc = (await this.#galley.create({
      collection: PREVIEW_SECRETS,
      data: {
        hash: await hashPreviewSecret(secret),
        kind: 'share',
        perspective,
        name,
        createdBy: input.createdBy.label,
        createdById: input.createdBy.id,
        expiresAt,
      } satisfies SecretData,
    })) as SecretDoc
    return { secret, share: toShare(doc) }
  }

  /** Live shared links, newest first: all of them, or only those made by `createdById`. */
  async listShares(filter: { createdById?: string } = {}): Promise<PreviewShare[]> {
    const { docs } = await this.#galley.find({
      collection: PREVIEW_SECRETS,
      where:
        filter.createdById === undefined
          ? { kind: { equals: 'share' } }
          : { kind: { equals: 'share' }, createdById: { equals: filter.createdById } },
      sort: '-createdAt',
      limit: 1000,
    })
    const now = Date.now()
    // Live as the grant check judges: not expired, and its maker still there (a link made by
    // a deleted user or a revoked token no longer works, so it is not listed). Each maker is
    // looked up once.
    const makers = new Map<string, Promise<boolean>>()
    const holds = (d: SecretDoc) => {
      const key = d.createdById ?? ''
      let held = makers.get(key)
      if (!held) makers.set(key, (held = this.#creatorHolds(d)))
      return held
    }
    const live = (docs as SecretDoc[]).filter((d) => !isExpired(d, now))
    const kept = await Promise.all(live.map(async (d) => ((await holds(d)) ? d : null)))
    return kept.filter((d): d is SecretDoc => d !== null).map(toShare)
  }

  /**
   * Whether the grant `id` (a secret's or a shared link's record) still holds: it exists and
   * has not expired. A used single-use secret still holds: the session it made lives on.
   */
  async grantState(id: string): Promise<GrantState> {
    const doc = (await this.#galley.findById({
      collection: PREVIEW_SECRETS,
      id,
    })) as SecretDoc | null
    if (!doc || isExpired(doc, Date.now()) || !(await this.#creatorHolds(doc)))
      return { live: false }
    const at = doc.expiresAt ? Date.parse(doc.expiresAt) : null
    return { live: true, expiresAtMs: at }
  }

  /** A live shared link with its creator's id (to decide who may revoke), or null. */
  async getShare(id: string): Promise<(PreviewShare & { createdById: string | null }) | null> {
    const doc = (await this.#galley.findById({
      collection: PREVIEW_SECRETS,
      id,
    })) as SecretDoc | null
    if (!doc || doc.kind !== 'share' || isExpired(doc, Date.now())) return null
    return { ...toShare(doc), createdById: doc.createdById ?? null }
  }

  /** Revoke a shared link: its secret stops validating at once. Null when there is none. */
  async revokeShare(id: string): Promise<PreviewShare | null> {
    const share = await this.getShare(id)
    if (!share) return null
    try {
      await this.#galley.delete({ collection: PREVIEW_SECRETS, id })
    } catch (err) {
      if (err instanceof NotFoundError) return null
      throw err
    }
    const { createdById: _, ...rest } = share
    return rest
  }

  /**
   * Whether `secret` is a live preview secret or shared link, and what it unlocks. A
   * single-use secret is consumed here: of two racing validations exactly one succeeds.
   * A shared link records when it was last used.
   */
  async validate(secret: unknown): Promise<ValidPreviewSecret | null> {
    if (!isWellFormedSecret(secret)) return null
    const hash = await hashPreviewSecret(secret)
    const { docs } = await this.#galley.find({
      collection: PREVIEW_SECRETS,
      where: { hash: { equals: hash } },
      limit: 1,
    })
    const doc = docs[0] as SecretDoc | undefined
    // The final comparison is ours, byte for byte and in constant time, whatever the
    // database's collation did with the lookup.
    if (!doc || !constantTimeEqual(encoder.encode(String(doc.hash)), encoder.encode(hash)))
      return null
    const now = Date.now()
    if (isExpired(doc, now)) {
      await this.#delete(doc.id)
      return null
    }
    // Stored before perspectives were parsed strictly (e.g. ' raw'): such a record is dead.
    const perspective = parsePreviewPerspective(doc.perspective)
    if (!perspective || perspective !== doc.perspective) return null
    if (!(await this.#creatorHolds(doc))) return null

    if (doc.kind === 'share') {
      // The write takes the document's lock: a link revoked meanwhile fails here.
      try {
        await this.#galley.update({
          collection: PREVIEW_SECRETS,
          id: doc.id,
          data: { lastUsedAt: new Date(now).toISOString() },
        })
      } catch (err) {
        if (err instanceof NotFoundError) return null
        throw err
      }
      const cookieEnd = now + this.#limits.shareCookieTtlSeconds * 1000
      const end = doc.expiresAt ? Math.min(Date.parse(doc.expiresAt), cookieEnd) : cookieEnd
      return {
        kind: 'share',
        perspective,
        expiresAt: new Date(end).toISOString(),
        grant: doc.id,
      }
    }
    if (doc.singleUse) {
      if (doc.usedAt) return null
      // Kept (marked used), not deleted: the session it makes is bound to this record. The
      // write checks the revision read above, so of racing validations exactly one wins.
      try {
        await this.#galley.update({
          collection: PREVIEW_SECRETS,
          id: doc.id,
          data: { usedAt: new Date(now).toISOString() },
          ifRevision: doc._rev,
        })
      } catch (err) {
        if (err instanceof NotFoundError || err instanceof ConflictError) return null
        throw err
      }
    }
    return { kind: 'secret', perspective, expiresAt: String(doc.expiresAt), grant: doc.id }
  }

  /**
   * Whether whoever made a secret or link may still preview: a user who was not deleted, or
   * an API token that was not revoked and still reads drafts. A link outlives neither: the
   * drafts it shows were theirs to show. Made with no creator id (the CLI, an operator's
   * script): it lives until revoked or expired.
   */
  async #creatorHolds(doc: SecretDoc): Promise<boolean> {
    const id = doc.createdById
    if (!id) return true
    // A token's principal id is derived from its id (userOfScope), and only for a scope that
    // reads drafts; a server has a handful of tokens, so they are read whole.
    if (id.startsWith('token:')) {
      const { docs } = await this.#galley.find({ collection: INTERNAL.tokens, limit: 1000 })
      return docs.some(
        (t) => isTokenScope(t.scope) && userOfScope(t.scope, t.id, String(t.name))?.id === id,
      )
    }
    return (await this.#galley.findById({ collection: USERS, id })) !== null
  }

  /** Delete expired secrets and links (at most `max`); returns how many went. */
  async sweep(max = 1000): Promise<number> {
    let removed = 0
    while (removed < max) {
      const { docs } = await this.#galley.find({
        collection: PREVIEW_SECRETS,
        where: { expiresAt: { lt: new Date().toISOString() } },
        limit: SWEEP_BATCH,
      })
      for (const d of docs) await this.#delete(d.id)
      removed += docs.length
      if (docs.length < SWEEP_BATCH) break
    }
    return removed
  }

  async #delete(id: string): Promise<void> {
    try {
      await this.#galley.delete({ collection: PREVIEW_SECRETS, id })
    } catch (err) {
      // Another validation or sweep got there first.
      if (!(err instanceof NotFoundError)) throw err
    }
  }
}

/** The canonical preview perspective of a request body (default `drafts`), or a 400 that says why not. */
function checkPerspective(input: unknown): PreviewPerspective {
  const value = input === undefined || input === null ? 'drafts' : input
  const problem = previewPerspectiveProblem(value)
  if (problem !== null) throw new InputError(problem)
  return parsePreviewPerspective(value)!
}

function isExpired(doc: SecretDoc, now: number): boolean {
  if (doc.expiresAt === null || doc.expiresAt === undefined) return doc.kind !== 'share'
  const at = Date.parse(doc.expiresAt)
  return !Number.isFinite(at) || at <= now
}

function toShare(doc: SecretDoc): PreviewShare {
  return {
    id: doc.id,
    name: String(doc.name ?? ''),
    perspective: doc.perspective,
    createdBy: doc.createdBy ?? null,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt ?? null,
    lastUsedAt: doc.lastUsedAt ?? null,
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
