import { Hono } from 'hono'
import { InputError } from '@galley/core'
import { booleanParam, ifMatchRevision, intParam, parseQuery } from '../http/query-params'
import { readJsonBody, readJsonObject } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import { tagsOfDocs } from '../cache/cache-tags'
import type { ServerContext, ServerEnv } from '../server-context'
import { readArgs, readRoute } from './read-route'
import { assertMayWrite } from '../operations/write-access'

const LIST_PARAMS = ['where', 'limit', 'page', 'sort', 'depth', 'perspective', 'draft'] as const
const READ_PARAMS = ['perspective', 'draft', 'depth'] as const

/**
 * REST routes of collections, one per Local API call:
 * `GET|POST /:collection`, `GET|PATCH|DELETE /:collection/:id`,
 * `POST /:collection/:id/{publish,unpublish,discard-draft}`,
 * `GET /:collection/:id/revisions`, `POST /:collection/:id/revisions/:rev/restore`.
 */
export function collectionRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const { ops } = ctx
  const max = ctx.options.maxBodyBytes

  app.get(
    '/:collection',
    readRoute<'/:collection'>(ctx, async (c) => {
      const slug = c.req.param('collection')
      const { params, where } = parseQuery(searchOf(c), LIST_PARAMS, 'GET /api/:collection')
      ops.collection(slug)
      const { args, isPublic } = readArgs(c.get('auth'), params)
      const res = await ops.find(c.get('auth'), slug, {
        ...args,
        where: where as never,
        sort: params.get('sort'),
        limit: intParam(params, 'limit'),
        page: intParam(params, 'page'),
      })
      return {
        body: res,
        isPublic,
        tags: () => tagsOfDocs(ctx.galley, slug, res.docs, true, args.depth),
      }
    }),
  )

  app.post('/:collection', async (c) => {
    const slug = c.req.param('collection')
    const { params } = parseQuery(
      searchOf(c),
      ['draft', 'depth', 'release'],
      'POST /api/:collection',
    )
    await assertMayWrite(ops.collection(slug), c.get('auth'), 'create')
    const body = await readJsonObject(c.req.raw, max)
    const { id, ...data } = body
    if (id !== undefined && typeof id !== 'string')
      throw new InputError('id must be a string of 1–64 letters, digits, - or _.')
    const doc = await ops.create(c.get('auth'), slug, data, {
      draft: booleanParam(params, 'draft'),
      depth: intParam(params, 'depth'),
      id,
      release: params.get('release'),
    })
    return sendPrivate(c, doc, 201)
  })

  app.get(
    '/:collection/:id',
    readRoute<'/:collection/:id'>(ctx, async (c) => {
      const slug = c.req.param('collection')
      const { params } = parseQuery(searchOf(c), READ_PARAMS, 'GET /api/:collection/:id')
      ops.collection(slug)
      const { args, isPublic } = readArgs(c.get('auth'), params)
      const doc = await ops.findById(c.get('auth'), slug, c.req.param('id'), args)
      return {
        body: doc,
        isPublic,
        tags: () => tagsOfDocs(ctx.galley, slug, [doc], false, args.depth),
      }
    }),
  )

  app.patch('/:collection/:id', async (c) => {
    const slug = c.req.param('collection')
    const { params } = parseQuery(
      searchOf(c),
      ['draft', 'autosave', 'depth', 'release'],
      'PATCH /api/:collection/:id',
    )
    await assertMayWrite(ops.collection(slug), c.get('auth'), 'update')
    const release = params.get('release')
    const ifRevision = ifMatchRevision(c.req.header('if-match'))
    const data = await readJsonObject(c.req.raw, max)
    const doc = await ops.update(c.get('auth'), slug, c.req.param('id'), data, {
      draft: booleanParam(params, 'draft'),
      autosave: booleanParam(params, 'autosave'),
      depth: intParam(params, 'depth'),
      ifRevision,
      release,
    })
    return sendPrivate(c, doc)
  })

  app.delete('/:collection/:id', async (c) => {
    const slug = c.req.param('collection')
    parseQuery(searchOf(c), [], 'DELETE /api/:collection/:id')
    await assertMayWrite(ops.collection(slug), c.get('auth'), 'delete')
    const ifRevision = ifMatchRevision(c.req.header('if-match'))
    await readJsonBody(c.req.raw, max)
    return sendPrivate(c, await ops.delete(c.get('auth'), slug, c.req.param('id'), { ifRevision }))
  })

  const action = (name: 'publish' | 'unpublish' | 'discard-draft') =>
    app.post(`/:collection/:id/${name}`, async (c) => {
      const slug = c.req.param('collection')
      parseQuery(searchOf(c), [], `POST /api/:collection/:id/${name}`)
      await assertMayWrite(
        ops.collection(slug),
        c.get('auth'),
        name === 'discard-draft' ? 'update' : 'publish',
      )
      const ifRevision = ifMatchRevision(c.req.header('if-match'))
      await readJsonBody(c.req.raw, max)
      const auth = c.get('auth')
      const id = c.req.param('id')
      const doc =
        name === 'publish'
          ? await ops.publish(auth, slug, id, { ifRevision })
          : name === 'unpublish'
            ? await ops.unpublish(auth, slug, id, { ifRevision })
            : await ops.discardDraft(auth, slug, id, { ifRevision })
      return sendPrivate(c, doc)
    })
  action('publish')
  action('unpublish')
  action('discard-draft')

  app.get('/:collection/:id/revisions', async (c) => {
    const slug = c.req.param('collection')
    const { params } = parseQuery(
      searchOf(c),
      ['limit', 'page'],
      'GET /api/:collection/:id/revisions',
    )
    const res = await ops.listRevisions(c.get('auth'), slug, c.req.param('id'), {
      limit: intParam(params, 'limit'),
      page: intParam(params, 'page'),
    })
    return sendPrivate(c, res)
  })

  app.post('/:collection/:id/revisions/:rev/restore', async (c) => {
    const slug = c.req.param('collection')
    const { params } = parseQuery(
      searchOf(c),
      ['draft'],
      'POST /api/:collection/:id/revisions/:rev/restore',
    )
    await assertMayWrite(ops.collection(slug), c.get('auth'), 'update')
    const ifRevision = ifMatchRevision(c.req.header('if-match'))
    await readJsonBody(c.req.raw, max)
    const doc = await ops.restoreRevision(
      c.get('auth'),
      slug,
      c.req.param('id'),
      c.req.param('rev'),
      { draft: booleanParam(params, 'draft'), ifRevision },
    )
    return sendPrivate(c, doc)
  })

  return app
}
