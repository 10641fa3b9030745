/** Roles of a user, weakest first: a viewer reads drafts, an editor writes and publishes, an admin does everything. */
export const ROLES = ['viewer', 'editor', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Scopes of an API token: `read:published` is anonymous-equivalent, `read:drafts` a viewer, `write` an editor. */
export const TOKEN_SCOPES = ['read:published', 'read:drafts', 'write'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

/** The `user` the server passes to the Local API (and so to access rules). */
export interface AuthUser {
  /** The user's id, or `token:<id>` for an API token. */
  id: string
  role: Role
  kind: 'user' | 'token'
  email?: string
  name?: string
  /** The token's scope, for `kind: 'token'`. */
  scope?: TokenScope
}

/** Whether `user` has at least `role`. */
export function hasRole(user: unknown, role: Role): boolean {
  if (!user || typeof user !== 'object') return false
  const r = (user as { role?: unknown }).role
  const have = ROLES.indexOf(r as Role)
  return have >= 0 && have >= ROLES.indexOf(role)
}

/** The Local API user of a token scope; `read:published` has none (anonymous). */
export function userOfScope(scope: TokenScope, tokenId: string, name: string): AuthUser | null {
  if (scope === 'read:published') return null
  return {
    id: `token:${tokenId.slice(0, 16)}`,
    role: scope === 'write' ? 'editor' : 'viewer',
    kind: 'token',
    name,
    scope,
  }
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v)
}

export function isTokenScope(v: unknown): v is TokenScope {
  return typeof v === 'string' && (TOKEN_SCOPES as readonly string[]).includes(v)
}
