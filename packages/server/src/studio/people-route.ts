import type { Context } from 'hono'
import { InputError, isValidId } from '@galley/core'
import { hasRole } from '../auth/roles'
import { UnauthorizedError } from '../http/http-errors'
import { parseQuery } from '../http/query-params'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'

const ROUTE = 'GET /api/schema/people'
const MAX_IDS = 100

/** How the Studio names the author of a change. */
export interface Person {
  id: string
  /** The user's name; their email only for admins and for the caller themself; else "User abc123". */
  label: string
}

/**
 * `GET /api/schema/people?ids=a,b`: readable names for the user ids the Studio shows as
 * "Updated by" and as revision authors. For callers who may read drafts (viewers and up).
 * A user's email goes only to admins (who may read the users collection) and to the user
 * themself; others see the name, or a short id. `token:…` ids read "API token"; unknown
 * ids "Deleted user".
 */
export async function peopleHandler(ctx: ServerContext, c: Context<ServerEnv>) {
  const { params } = parseQuery(searchOf(c), ['ids'], ROUTE)
  const auth = c.get('auth')
  if (auth.via === 'anonymous' || !auth.user || !hasRole(auth.user, 'viewer'))
    throw new UnauthorizedError('Sign in to see who changed documents.')
  const ids = [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))]
  if (ids.length > MAX_IDS) throw new InputError(`${ROUTE}: at most ${MAX_IDS} ids at once.`)
  const admin = hasRole(auth.user, 'admin')
  const people: Person[] = []
  for (const id of ids) {
    if (id.startsWith('token:')) {
      people.push({ id, label: 'API token' })
      continue
    }
    const user = isValidId(id) && ctx.store ? await ctx.store.getUser(id) : null
    if (!user) people.push({ id, label: 'Deleted user' })
    else {
      const name = typeof user.name === 'string' && user.name.trim() ? user.name.trim() : null
      const mayEmail = admin || user.id === auth.user.id
      people.push({ id, label: name ?? (mayEmail ? user.email : `User ${id.slice(0, 6)}`) })
    }
  }
  return sendPrivate(c, { people })
}
