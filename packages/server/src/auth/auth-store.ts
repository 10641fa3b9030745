import { randomBytes } from 'node:crypto'
import { sha256Base64url } from '../http/sha256'
import { InputError, NotFoundError, requireAccess, type Galley, type GalleyDoc } from '@galley/core'
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords'
import { INTERNAL, USERS } from './with-auth'
import { isRole, isTokenScope, type Role, type TokenScope } from './roles'

/** A user as stored in the `users` collection. */
export type UserDoc = GalleyDoc<{ email: string; name?: string; role: Role }>

/** An API token's record; the token itself is shown once and only its SHA-256 is kept. */
export interface TokenRecord {
  id: string
  name: string
  scope: TokenScope
  prefix: string
  createdBy: string | null
  createdAt: string
}

const TOKEN_PATTERN = /^gly_[A-Za-z0-9_-]{43}$/
const SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** SHA-256 of a secret, base64url: 43 characters, a valid document id. */
export function sha256Id(secret: string): string {
  return sha256Base64url(secret)
}

/** The stored id of a well-formed API token (its SHA-256), or null for a malformed one. */
export function tokenHash(token: string): string | null {
  return TOKEN_PATTERN.test(token) ? sha256Id(token) : null
}

/** The stored id of a well-formed session cookie value (its SHA-256), or null. */
export function sessionHash(cookie: string): string | null {
  return SESSION_PATTERN.test(cookie) ? sha256Id(cookie) : null
}

/** A live session: its stored id, its user as stored now, its CSRF token and expiry. */
export interface ResolvedSession {
  id: string
  user: UserDoc
  csrfToken: string
  expiresAt: string
}

/**
 * Users, password hashes, sessions and API tokens, kept in collections `withAuth` adds and
 * always reached as trusted server code. Secrets are stored only as hashes: scrypt for
 * passwords, SHA-256 for session ids and tokens (they are 256-bit random, so a fast hash is enough).
 */
export class AuthStore {
  constructor(readonly galley: Galley) {}

  // ---------------------------------------------------------------- users

  async findUserByEmail(email: string): Promise<UserDoc | null> {
    if (typeof email !== 'string' || email.length > 320) return null
    const res = await this.galley.find({
      collection: USERS,
      where: { email: { equals: email.trim().toLowerCase() } },
      limit: 1,
    })
    return (res.docs[0] as UserDoc | undefined) ?? null
  }

  async getUser(id: string): Promise<UserDoc | null> {
    return (await this.galley.findById({ collection: USERS, id })) as UserDoc | null
  }

  async countUsers(): Promise<number> {
    return (await this.galley.count({ collection: USERS })).totalDocs
  }

  /**
   * Create a user with a password. `caller` (the request's user) is checked against the
   * users collection's access rules; omit it for trusted code such as the CLI.
   */
  async createUser(
    input: { email: string; password: string; role?: Role; name?: string; id?: string },
    caller?: { user: unknown },
    /** `hash`: `input.password` already hashed (see `PasswordHashes`), so no scrypt runs here. */
    opts: { hash?: string } = {},
  ): Promise<UserDoc> {
    // Access first: a caller who may not create users learns nothing from the input's checks,
    // and cannot spend scrypt time.
    if (caller)
      await requireAccess(this.galley.collection(USERS), 'create', {
        user: caller.user ?? null,
        overrideAccess: false,
      })
    const problem = await passwordProblem(input.password)
    if (problem) throw new InputError(problem)
    if (input.role !== undefined && !isRole(input.role))
      throw new InputError(`role must be admin, editor or viewer.`)
    const hash = opts.hash ?? (await hashPassword(input.password))
    const data: Record<string, unknown> = { email: input.email, role: input.role ?? 'viewer' }
    if (input.name !== undefined) data.name = input.name
    const user = (await this.galley.create({
      collection: USERS,
      data,
      id: input.id,
      ...(caller ? { user: caller.user } : {}),
    })) as UserDoc
    try {
      await this.#putCredential(user.id, hash)
    } catch (err) {
      await this.galley.delete({ collection: USERS, id: user.id }).catch(() => {})
      throw err
    }
    return user
  }

  async setPassword(userId: string, password: string): Promise<void> {
    const problem = await passwordProblem(password)
    if (problem) throw new InputError(problem)
    if (!(await this.getUser(userId)))
      throw new NotFoundError(`User ${JSON.stringify(userId)} does not exist.`)
    await this.setPasswordHash(userId, await hashPassword(password))
  }

  /**
   * Store an already hashed password (from `hashPassword`) and end the user's sessions; for
   * callers that hash before opening a transaction, so scrypt never runs inside one.
   */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    if (!(await this.getUser(userId)))
      throw new NotFoundError(`User ${JSON.stringify(userId)} does not exist.`)
    await this.#putCredential(userId, passwordHash)
    await this.deleteSessionsOf(userId)
  }

  async #putCredential(userId: string, passwordHash: string): Promise<void> {
    const existing = await this.galley.findById({ collection: INTERNAL.credentials, id: userId })
    if (existing)
      await this.galley.update({
        collection: INTERNAL.credentials,
        id: userId,
        data: { passwordHash },
      })
    else
      await this.galley.create({
        collection: INTERNAL.credentials,
        id: userId,
        data: { passwordHash },
      })
  }

  /** The user whose email and password match, or null; costs one scrypt either way. */
  async verifyLogin(email: string, password: string): Promise<UserDoc | null> {
    const user = await this.findUserByEmail(email)
    const cred = user
      ? await this.galley.findById({ collection: INTERNAL.credentials, id: user.id })
      : null
    const stored = typeof cred?.passwordHash === 'string' ? cred.passwordHash : await dummyHash()
    const ok = await verifyPassword(password, stored)
    return ok && user && cred ? user : null
  }

  /** Remove a user's password and sessions (after the user was deleted). */
  async forgetUser(userId: string): Promise<void> {
    await this.galley.delete({ collection: INTERNAL.credentials, id: userId }).catch(() => {})
    await this.deleteSessionsOf(userId)
  }

  // ---------------------------------------------------------------- sessions

  /** Start a session: returns the cookie value (shown once) and the CSRF token bound to it. */
  async createSession(
    userId: string,
    ttlSeconds: number,
  ): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
    await this.#sweepSessions()
    const token = randomBytes(32).toString('base64url')
    const csrfToken = randomBytes(32).toString('base64url')
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString()
    await this.galley.create({
      collection: INTERNAL.sessions,
      id: sha256Id(token),
      data: { userId, csrfToken, expiresAt },
    })
    return { token, csrfToken, expiresAt }
  }

  /** The live session and its (current) user for a cookie value, or null. */
  async resolveSession(token: string): Promise<ResolvedSession | null> {
    const id = sessionHash(token)
    return id === null ? null : this.resolveSessionHash(id)
  }

  /** `resolveSession` by the session's stored id (`sessionHash` of the cookie value). */
  async resolveSessionHash(id: string): Promise<ResolvedSession | null> {
    const s = await this.galley.findById({ collection: INTERNAL.sessions, id })
    if (!s) return null
    if (typeof s.expiresAt !== 'string' || Date.parse(s.expiresAt) <= Date.now()) {
      await this.deleteSession(id)
      return null
    }
    const user = await this.getUser(String(s.userId))
    if (!user) {
      await this.deleteSession(id)
      return null
    }
    return { id, user, csrfToken: String(s.csrfToken), expiresAt: s.expiresAt }
  }

  async deleteSession(id: string): Promise<void> {
    await this.galley.delete({ collection: INTERNAL.sessions, id }).catch(() => {})
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    for (;;) {
      const res = await this.galley.find({
        collection: INTERNAL.sessions,
        where: { userId: { equals: userId } },
        limit: 100,
      })
      if (res.docs.length === 0) return
      for (const d of res.docs) await this.deleteSession(d.id)
    }
  }

  async #sweepSessions(): Promise<void> {
    const res = await this.galley.find({
      collection: INTERNAL.sessions,
      where: { expiresAt: { lt: new Date().toISOString() } },
      limit: 50,
    })
    for (const d of res.docs) await this.deleteSession(d.id)
  }

  // ---------------------------------------------------------------- API tokens

  /** Create an API token. The returned `token` is shown once; only its SHA-256 is stored. */
  async createToken(input: {
    name: string
    scope: TokenScope
    createdBy?: string | null
  }): Promise<{ token: string; record: TokenRecord }> {
    if (typeof input.name !== 'string' || !/^[A-Za-z0-9 ._:-]{1,100}$/.test(input.name)) {
      throw new InputError('Token name must be 1–100 letters, digits, spaces or . _ : -')
    }
    if (!isTokenScope(input.scope))
      throw new InputError(`scope must be read:published, read:drafts or write.`)
    const token = `gly_${randomBytes(32).toString('base64url')}`
    const doc = await this.galley.create({
      collection: INTERNAL.tokens,
      id: sha256Id(token),
      data: {
        name: input.name,
        scope: input.scope,
        prefix: token.slice(0, 12),
        createdBy: input.createdBy ?? null,
      },
    })
    return { token, record: toRecord(doc) }
  }

  async listTokens(): Promise<TokenRecord[]> {
    const res = await this.galley.find({ collection: INTERNAL.tokens, sort: 'name', limit: 1000 })
    return res.docs.map(toRecord)
  }

  /** Revoke by name or id; returns the revoked record, or null when none matched. */
  async revokeToken(nameOrId: string): Promise<TokenRecord | null> {
    const res = await this.galley.find({
      collection: INTERNAL.tokens,
      where: { or: [{ name: { equals: nameOrId } }, { id: { equals: nameOrId } }] },
      limit: 1,
    })
    const doc = res.docs[0]
    if (!doc) return null
    await this.galley.delete({ collection: INTERNAL.tokens, id: doc.id })
    return toRecord(doc)
  }

  /** The record of a presented token, or null if it is malformed, unknown or revoked. */
  async resolveToken(token: string): Promise<TokenRecord | null> {
    const id = tokenHash(token)
    return id === null ? null : this.resolveTokenHash(id)
  }

  /** `resolveToken` by the token's stored id (`tokenHash` of the token). */
  async resolveTokenHash(id: string): Promise<TokenRecord | null> {
    const doc = await this.galley.findById({ collection: INTERNAL.tokens, id })
    return doc ? toRecord(doc) : null
  }
}

function toRecord(doc: Record<string, unknown>): TokenRecord {
  return {
    id: String(doc.id),
    name: String(doc.name),
    scope: doc.scope as TokenScope,
    prefix: String(doc.prefix),
    createdBy: (doc.createdBy as string | null | undefined) ?? null,
    createdAt: String(doc.createdAt),
  }
}
