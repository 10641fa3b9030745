import type { TokenRecord, UserDoc } from './auth-store'
import type { AuthUser } from './roles'

/** Who sent a request, as the server resolved it. */
export interface RequestAuth {
  via: 'anonymous' | 'session' | 'token'
  /** Passed to the Local API as `user`: null means anonymous (access rules apply). */
  user: AuthUser | null
  session?: { id: string; csrfToken: string; expiresAt: string; doc: UserDoc }
  token?: TokenRecord
}

/** The caller of a request without credentials. */
export const ANONYMOUS: RequestAuth = Object.freeze({ via: 'anonymous', user: null }) as RequestAuth
