import {
  Kind,
  getArgumentValues,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql'
import { requireAccess } from '@galley/core'
import { hashPassword, passwordProblem } from '../auth/passwords'
import { USERS } from '../auth/with-auth'
import type { RequestAuth, ServerContext } from '../server-context'
import { pascal } from './names'
import { PasswordHashes } from '../auth/password-hashes'

/** Passwords hashed ahead of a mutation document: at most this many, the rest inline. */
export const MAX_PREHASHED = 20

/**
 * Hash the passwords that a mutation document's `createUsers` / `updateUsers` fields set,
 * before its transaction opens: scrypt takes tens of milliseconds, and on SQLite an open
 * write transaction holds every other request of the process. Only for a caller who may
 * write users (nobody else makes the server spend scrypt time) and only passwords that
 * pass the rules; whatever is not hashed here is hashed inline, as before.
 */
export async function hashMutationPasswords(
  ctx: ServerContext,
  auth: RequestAuth,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): Promise<PasswordHashes | undefined> {
  if (!ctx.store || !ctx.galley.config.collections.has(USERS)) return undefined
  if (auth.via === 'token' && auth.token?.scope !== 'write') return undefined
  const op = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.operation === 'mutation' &&
      (operationName === undefined || d.name?.value === operationName),
  )
  const mutation = schema.getMutationType()
  if (!op || !mutation) return undefined
  const P = pascal(USERS)
  const actions: Record<string, 'create' | 'update'> = {
    [`create${P}`]: 'create',
    [`update${P}`]: 'update',
  }
  const found: { action: 'create' | 'update'; password: string }[] = []
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [],
    ),
  )
  // Root fields through fragments; a fragment is entered once (the document was validated,
  // so there are no cycles, but a fragment may be spread many times).
  const entered = new Set<string>()
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (found.length >= MAX_PREHASHED) return
      if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet)
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(s.name.value)
        if (frag && !entered.has(s.name.value)) {
          entered.add(s.name.value)
          walk(frag)
        }
      } else {
        const action = actions[s.name.value]
        const field = action && mutation.getFields()[s.name.value]
        if (!field) continue
        let args: Record<string, unknown>
        try {
          args = getArgumentValues(field, s, variables)
        } catch {
          continue // the field fails on its own when it runs
        }
        const password = (args.data as Record<string, unknown> | null)?.password
        if (typeof password === 'string') found.push({ action, password })
      }
    }
  }
  walk(op.selectionSet)
  if (!found.length) return undefined
  const users = ctx.galley.collection(USERS)
  const caller = { user: auth.user ?? null, overrideAccess: false }
  const hashes = new PasswordHashes()
  for (const { action, password } of found) {
    try {
      await requireAccess(users, action, caller)
    } catch {
      continue
    }
    if (await passwordProblem(password)) continue
    hashes.add(password, await hashPassword(password))
  }
  return hashes
}
