import { Hono } from 'hono'
import { z } from 'zod'
import { ForbiddenError, InputError, isValidId, NotFoundError } from '@galley/core'
import type { TokenRecord } from '../auth/auth-store'
import { hasRole, TOKEN_SCOPES } from '../auth/roles'
import { UnauthorizedError } from '../http/http-errors'
import { parseQuery } from '../http/query-params'
import { readJsonBody } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { RequestAuth, ServerContext, ServerEnv } from '../server-context'

const TokenBody = z.object({ name: z.string().max(200), scope: z.enum(TOKEN_SCOPES) }).strict()

/** A token record as listed: who made it by email where that user still exists. */
export interface ListedToken extends TokenRecord {
  createdByEmail: string | null
}

/**
 * `/api/auth/tokens`, for admins signed in with a session (the Studio's token screen; the CLI
 * does the same with `galley token`): `GET` lists tokens (never the tokens themselves, only
 * their first characters), `POST { name, scope }` creates one and answers it once, `DELETE
 * /:id` revokes one. API tokens cannot manage tokens, whatever their scope.
 */
export function tokenRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const store = () => {
    if (!ctx.store)
      throw new InputError('This server has no users: build its config with withAuth().')
    return ctx.store
  }

  app.get('/', async (c) => {
    parseQuery(searchOf(c), [], 'GET /api/auth/tokens')
    requireAdmin(c.get('auth'))
    const tokens = await store().listTokens()
    const emails = new Map<string, string | null>()
    for (const t of tokens)
      if (t.createdBy && !emails.has(t.createdBy))
        emails.set(t.createdBy, (await store().getUser(t.createdBy))?.email ?? null)
    const listed: ListedToken[] = tokens.map((t) => ({
      ...t,
      createdByEmail: t.createdBy ? (emails.get(t.createdBy) ?? null) : null,
    }))
    return sendPrivate(c, { tokens: listed })
  })

  app.post('/', async (c) => {
    parseQuery(searchOf(c), [], 'POST /api/auth/tokens')
    const auth = requireAdmin(c.get('auth'))
    const parsed = TokenBody.safeParse(await readJsonBody(c.req.raw, ctx.options.maxBodyBytes))
    if (!parsed.success)
      throw new InputError(
        `Send { "name": "…", "scope": "${TOKEN_SCOPES.join('" | "')}" } as JSON.`,
      )
    const taken = (await store().listTokens()).some((t) => t.name === parsed.data.name.trim())
    if (taken)
      throw new InputError(`A token named '${parsed.data.name.trim()}' exists; pick another name.`)
    const { token, record } = await store().createToken({
      name: parsed.data.name.trim(),
      scope: parsed.data.scope,
      createdBy: auth.user!.id,
    })
    return sendPrivate(c, { ...record, token }, 201)
  })

  app.delete('/:id', async (c) => {
    parseQuery(searchOf(c), [], 'DELETE /api/auth/tokens/:id')
    requireAdmin(c.get('auth'))
    const id = c.req.param('id')
    // By id only: the CLI's revoke-by-name must not be reachable through a URL.
    const found = isValidId(id) ? await store().resolveTokenHash(id) : null
    if (!found) throw new NotFoundError('No API token has that id.')
    const revoked = await store().revokeToken(found.id)
    if (!revoked) throw new NotFoundError('No API token has that id.')
    return sendPrivate(c, { revoked: true, token: revoked })
  })
  return app
}

function requireAdmin(auth: RequestAuth): RequestAuth {
  if (auth.via === 'anonymous' || !auth.user)
    throw new UnauthorizedError('Sign in as an admin to manage API tokens.')
  if (auth.via !== 'session' || !hasRole(auth.user, 'admin'))
    throw new ForbiddenError('Only admins signed in to the Studio manage API tokens.')
  return auth
}
