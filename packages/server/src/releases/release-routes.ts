import { Hono, type Context } from 'hono'
import {
  InputError,
  type JobRow,
  NotFoundError,
  QueryError,
  ReleasePublishError,
  type Releases,
} from '@galley/core'
import { toErrorBody } from '../http/http-errors'
import { intParam, parseQuery } from '../http/query-params'
import { readJsonBody, readJsonObject } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { RequestAuth } from '../auth/request-auth'
import type { ServerContext, ServerEnv } from '../server-context'
import { assertTokenMayWrite } from '../operations/write-access'

/** What the release and schedule routes share: the releases API and the job runner to wake. */
export interface ReleaseRouteDeps {
  releases: Releases
  /** Called after a schedule is made in this process, so the runner looks at once. */
  wake(): void
}

/** A caller's Local API arguments; read-only tokens never write. */
export function callerArgs(auth: RequestAuth, write = false) {
  if (write) assertTokenMayWrite(auth)
  return { user: auth.user }
}

/**
 * `/api/releases`: `GET /` (`limit`, `page`: the paginated shape of collection lists),
 * `POST /`, `GET|PATCH|DELETE /:id`,
 * `POST /:id/{publish,schedule,unschedule,archive,revert}`, `POST /:id/documents`
 * (`{ collection, id, action: 'unpublish' }`), `DELETE /:id/documents/:collection/:docId`.
 */
export function releaseRoutes(ctx: ServerContext, deps: ReleaseRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const { releases } = deps
  const max = ctx.options.maxBodyBytes
  const noQuery = (c: Context<ServerEnv>, route: string) => parseQuery(searchOf(c), [], route)

  app.get('/', async (c) => {
    const { params } = parseQuery(searchOf(c), ['limit', 'page', 'state'], 'GET /api/releases')
    // Paged like collection lists (same bounds, messages and shape), a page read at a time;
    // `state=active,scheduled` keeps the open ones (what pickers offer).
    const state = params.get('state')
    return sendPrivate(
      c,
      await releases.find({
        ...callerArgs(c.get('auth')),
        limit: intParam(params, 'limit'),
        page: intParam(params, 'page'),
        ...(state !== undefined ? { state: state.split(',') } : {}),
      }),
    )
  })

  app.post('/', async (c) => {
    noQuery(c, 'POST /api/releases')
    const args = callerArgs(c.get('auth'), true)
    const body = await readJsonObject(c.req.raw, max)
    onlyKeys(body, ['id', 'title', 'description', 'type', 'publishAt'])
    return sendPrivate(c, await releases.create({ ...body, ...args }), 201)
  })

  app.get('/:id', async (c) => {
    noQuery(c, 'GET /api/releases/:id')
    return sendPrivate(
      c,
      await releases.get({ id: c.req.param('id'), ...callerArgs(c.get('auth')) }),
    )
  })

  app.patch('/:id', async (c) => {
    noQuery(c, 'PATCH /api/releases/:id')
    const args = callerArgs(c.get('auth'), true)
    const data = await readJsonObject(c.req.raw, max)
    onlyKeys(data, ['title', 'description', 'type', 'publishAt'])
    return sendPrivate(c, await releases.update({ id: c.req.param('id'), data, ...args }))
  })

  app.delete('/:id', async (c) => {
    noQuery(c, 'DELETE /api/releases/:id')
    const args = callerArgs(c.get('auth'), true)
    await readJsonBody(c.req.raw, max)
    return sendPrivate(c, await releases.delete({ id: c.req.param('id'), ...args }))
  })

  app.post('/:id/publish', async (c) => {
    noQuery(c, 'POST /api/releases/:id/publish')
    const args = callerArgs(c.get('auth'), true)
    await readJsonBody(c.req.raw, max)
    try {
      return sendPrivate(c, await releases.publish({ id: c.req.param('id'), ...args }))
    } catch (err) {
      if (!(err instanceof ReleasePublishError)) throw err
      // One result per document: which failed (and on what fields), which were not run.
      const { status, body } = toErrorBody(err, false, ctx.options.logger)
      return sendPrivate(c, { ...body, documents: err.documents }, status)
    }
  })

  app.post('/:id/schedule', async (c) => {
    noQuery(c, 'POST /api/releases/:id/schedule')
    const args = callerArgs(c.get('auth'), true)
    const body = await readJsonObject(c.req.raw, max)
    onlyKeys(body, ['publishAt'])
    const res = await releases.schedule({
      id: c.req.param('id'),
      publishAt: body.publishAt,
      ...args,
    })
    deps.wake()
    return sendPrivate(c, res)
  })

  for (const name of ['unschedule', 'archive', 'revert'] as const)
    app.post(`/:id/${name}`, async (c) => {
      noQuery(c, `POST /api/releases/:id/${name}`)
      const args = { id: c.req.param('id'), ...callerArgs(c.get('auth'), true) }
      await readJsonBody(c.req.raw, max)
      if (name === 'revert') return sendPrivate(c, await releases.revert(args), 201)
      return sendPrivate(c, await releases[name](args))
    })

  app.post('/:id/documents', async (c) => {
    noQuery(c, 'POST /api/releases/:id/documents')
    const args = callerArgs(c.get('auth'), true)
    const body = await readJsonObject(c.req.raw, max)
    onlyKeys(body, ['collection', 'id', 'action'])
    if (body.action !== 'unpublish')
      throw new InputError(
        "action must be 'unpublish'; to add content, write it with PATCH /api/:collection/:id?release=<id>.",
      )
    if (typeof body.collection !== 'string' || typeof body.id !== 'string')
      throw new InputError('collection and id must be strings.')
    ctx.ops.collection(body.collection)
    const res = await releases.addUnpublish({
      id: c.req.param('id'),
      collection: body.collection,
      docId: body.id,
      ...args,
    })
    return sendPrivate(c, await releases.get({ id: res.id, ...args }))
  })

  app.delete('/:id/documents/:collection/:docId', async (c) => {
    noQuery(c, 'DELETE /api/releases/:id/documents/:collection/:docId')
    const args = callerArgs(c.get('auth'), true)
    await readJsonBody(c.req.raw, max)
    ctx.ops.collection(c.req.param('collection'))
    const res = await releases.removeDocument({
      id: c.req.param('id'),
      collection: c.req.param('collection'),
      docId: c.req.param('docId'),
      ...args,
    })
    return sendPrivate(c, await releases.get({ id: res.id, ...args }))
  })

  return app
}

/**
 * `/api/schedules`: `GET /` (`state`, `release`, `collection`, `id`, `limit`), `GET /health`
 * (last run, failures with reasons, pending), `DELETE /:jobId` (cancel).
 */
export function scheduleRoutes(ctx: ServerContext, deps: ReleaseRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const { releases } = deps
  app.get('/', async (c) => {
    const { params } = parseQuery(
      searchOf(c),
      ['state', 'release', 'collection', 'id', 'limit'],
      'GET /api/schedules',
    )
    const state = params.get('state')
    if (state !== undefined && !['pending', 'done', 'failed', 'cancelled'].includes(state))
      throw new QueryError("state must be 'pending', 'done', 'failed' or 'cancelled'.")
    const docs = await releases.listSchedules({
      state: state as JobRow['state'] | undefined,
      releaseId: params.get('release'),
      collection: params.get('collection'),
      docId: params.get('id'),
      limit: limitOf(params.get('limit')),
      ...callerArgs(c.get('auth')),
    })
    return sendPrivate(c, { docs, totalDocs: docs.length })
  })
  app.get('/health', async (c) => {
    parseQuery(searchOf(c), [], 'GET /api/schedules/health')
    return sendPrivate(c, await releases.health(callerArgs(c.get('auth'))))
  })
  app.delete('/:jobId', async (c) => {
    parseQuery(searchOf(c), [], 'DELETE /api/schedules/:jobId')
    const args = callerArgs(c.get('auth'), true)
    await readJsonBody(c.req.raw, ctx.options.maxBodyBytes)
    return sendPrivate(c, await releases.cancelSchedule({ jobId: c.req.param('jobId'), ...args }))
  })
  return app
}

/**
 * Single-document schedules under `/api`: `POST /:collection/:id/schedule`
 * (`{ action: 'publish' | 'unpublish', at }`, 201), `GET /:collection/:id/schedule`,
 * `DELETE /:collection/:id/schedule/:jobId`.
 */
export function documentScheduleRoutes(
  ctx: ServerContext,
  deps: ReleaseRouteDeps,
): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const { releases } = deps
  app.post('/:collection/:id/schedule', async (c) => {
    parseQuery(searchOf(c), [], 'POST /api/:collection/:id/schedule')
    const args = callerArgs(c.get('auth'), true)
    const collection = c.req.param('collection')
    ctx.ops.collection(collection)
    const body = await readJsonObject(c.req.raw, ctx.options.maxBodyBytes)
    onlyKeys(body, ['action', 'at'])
    const job = await releases.scheduleDocument({
      collection,
      id: c.req.param('id'),
      action: body.action,
      at: body.at,
      ...args,
    })
    deps.wake()
    return sendPrivate(c, job, 201)
  })
  app.get('/:collection/:id/schedule', async (c) => {
    parseQuery(searchOf(c), [], 'GET /api/:collection/:id/schedule')
    const collection = c.req.param('collection')
    ctx.ops.collection(collection)
    const docs = await releases.listSchedules({
      collection,
      docId: c.req.param('id'),
      ...callerArgs(c.get('auth')),
    })
    return sendPrivate(c, { docs, totalDocs: docs.length })
  })
  app.delete('/:collection/:id/schedule/:jobId', async (c) => {
    parseQuery(searchOf(c), [], 'DELETE /api/:collection/:id/schedule/:jobId')
    const args = callerArgs(c.get('auth'), true)
    ctx.ops.collection(c.req.param('collection'))
    const jobs = await releases.listSchedules({
      collection: c.req.param('collection'),
      docId: c.req.param('id'),
      ...args,
    })
    const jobId = c.req.param('jobId')
    if (!jobs.some((j) => j.id === jobId))
      throw new NotFoundError(`Schedule ${jobId.slice(0, 40)} is not one of this document's.`)
    return sendPrivate(c, await releases.cancelSchedule({ jobId, ...args }))
  })
  return app
}

/** `?limit=`: a whole number 1–1000, or a 400 saying so. */
/** A query parameter, so a bad one is a QueryError (400 QUERY_INVALID) as on every list. */
function limitOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!/^\d+$/.test(v) || n < 1 || n > 1000)
    throw new QueryError(`limit must be a whole number from 1 to 1000; got '${v.slice(0, 40)}'.`)
  return n
}

function onlyKeys(body: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(body))
    if (!allowed.includes(key))
      throw new InputError(`Unknown field '${key.slice(0, 60)}'. Allowed: ${allowed.join(', ')}.`)
}
