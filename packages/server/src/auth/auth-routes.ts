import { Hono } from 'hono'
import { z } from 'zod'
import { InputError } from '@galley/core'
import { RateLimitedError, UnauthorizedError } from '../http/http-errors'
import { parseQuery } from '../http/query-params'
import { readJsonBody } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import type { ServerContext, ServerEnv } from '../server-context'
import { searchOf } from '../http/search-of'
import { assertSameOrigin } from './authenticate'
import { CSRF_COOKIE, serializeCookie, sessionCookieName } from './cookies'
import { isRole } from './roles'
import { MAX_RAW_PASSWORD_LENGTH } from './passwords'

const LoginBody = z
  .object({
    email: z.string().min(1).max(320),
    password: z.string().min(1).max(MAX_RAW_PASSWORD_LENGTH),
  })
  .strict()

/** `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`. */
export function authRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const max = ctx.options.maxBodyBytes

  app.post('/login', async (c) => {
    parseQuery(searchOf(c), [], 'POST /api/auth/login')
    const client = c.get('client')
    // A login from a foreign page would sign the victim into the attacker's account.
    assertSameOrigin(ctx, c.req.header('origin'), client.origin)
    if (!ctx.store)
      throw new InputError('This server has no users: build its config with withAuth().')
    const parsed = LoginBody.safeParse(await readJsonBody(c.req.raw, max))
    if (!parsed.success) throw new InputError(`Send { "email": "...", "password": "..." } as JSON.`)
    const email = parsed.data.email.trim().toLowerCase()
    const key = `${client.address}|${email}`
    const emailKey = `email|${email}`
    const wait = Math.max(
      ctx.limits.login.retryAfter(key),
      ctx.limits.address.retryAfter(client.address),
      ctx.limits.email.retryAfter(emailKey),
    )
    if (wait > 0)
      throw new RateLimitedError(`Too many failed sign-ins; try again in ${wait} seconds.`, wait)
    // Counted before the (slow) check, so parallel guesses cannot slip past the limit.
    ctx.limits.login.fail(key)
    ctx.limits.address.fail(client.address)
    ctx.limits.email.fail(emailKey)
    const user = await ctx.store.verifyLogin(email, parsed.data.password)
    if (!user) throw new UnauthorizedError('The email or password is wrong.')
    ctx.limits.login.reset(key)
    ctx.limits.address.forgive(client.address)
    ctx.limits.email.forgive(emailKey)
    const session = await ctx.store.createSession(user.id, ctx.options.sessionTtlSeconds)
    const secure = ctx.options.secureCookies === 'auto' ? client.secure : ctx.options.secureCookies
    return sendPrivate(
      c,
      { user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      200,
      {},
      [
        serializeCookie(sessionCookieName(client.secure), session.token, {
          maxAge: ctx.options.sessionTtlSeconds,
          httpOnly: true,
          secure,
        }),
        serializeCookie(CSRF_COOKIE, session.csrfToken, {
          maxAge: ctx.options.sessionTtlSeconds,
          httpOnly: false,
          secure,
        }),
      ],
    )
  })

  app.post('/logout', async (c) => {
    parseQuery(searchOf(c), [], 'POST /api/auth/logout')
    await readJsonBody(c.req.raw, max)
    const auth = c.get('auth')
    if (auth.via === 'session' && ctx.store) await ctx.store.deleteSession(auth.session!.id)
    const client = c.get('client')
    const secure = ctx.options.secureCookies === 'auto' ? client.secure : ctx.options.secureCookies
    return sendPrivate(c, { ok: true }, 200, {}, [
      serializeCookie(sessionCookieName(client.secure), '', { maxAge: 0, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, '', { maxAge: 0, httpOnly: false, secure }),
    ])
  })

  app.get('/me', (c) => {
    parseQuery(searchOf(c), [], 'GET /api/auth/me')
    const auth = c.get('auth')
    if (auth.via === 'session') {
      return sendPrivate(c, {
        user: publicUser(auth.session!.doc),
        csrfToken: auth.session!.csrfToken,
        expiresAt: auth.session!.expiresAt,
      })
    }
    if (auth.via === 'token') {
      const t = auth.token!
      return sendPrivate(c, {
        user: auth.user,
        token: { name: t.name, scope: t.scope, prefix: t.prefix, createdAt: t.createdAt },
      })
    }
    throw new UnauthorizedError('Not signed in: POST /api/auth/login first, or send an API token.')
  })

  return app
}

function publicUser(u: { id: string; email: string; name?: string; role: unknown }) {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? null,
    role: isRole(u.role) ? u.role : 'viewer',
  }
}
