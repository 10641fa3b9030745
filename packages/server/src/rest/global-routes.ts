import { Hono } from 'hono'
import { booleanParam, ifMatchRevision, intParam, parseQuery } from '../http/query-params'
import { readJsonBody, readJsonObject } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { tagsOfGlobal } from '../cache/cache-tags'
import type { ServerContext, ServerEnv } from '../server-context'
import { searchOf } from '../http/search-of'
import { globalRestoreRoute } from './global-restore-route'
import { readArgs, readRoute } from './read-route'
import { assertMayWriteGlobal } from '../operations/write-access'

/**
 * REST routes of globals: `GET|PATCH /globals/:slug`,
 * `POST /globals/:slug/{publish,unpublish,discard-draft}`, `GET /globals/:slug/revisions`,
 * `POST /globals/:slug/revisions/:rev/restore`.
 */
export function globalRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const { ops } = ctx
  const max = ctx.options.maxBodyBytes

  app.get(
    '/:slug',
    readRoute<'/:slug'>(ctx, async (c) => {
      const slug = c.req.param('slug')
      const { params } = parseQuery(
        searchOf(c),
        ['perspective', 'draft', 'depth'],
        'GET /api/globals/:slug',
      )
      ops.global(slug)
      const { args, isPublic } = readArgs(c.get('auth'), params)
      const doc = await ops.findGlobal(c.get('auth'), slug, args)
      return { body: doc, isPublic, tags: () => tagsOfGlobal(ctx.galley, slug, doc, args.depth) }
    }),
  )

  app.patch('/:slug', async (c) => {
    const slug = c.req.param('slug')
    const { params } = parseQuery(searchOf(c), ['draft', 'autosave'], 'PATCH /api/globals/:slug')
    await assertMayWriteGlobal(ops.global(slug), c.get('auth'), 'update')
    const ifRevision = ifMatchRevision(c.req.header('if-match'))
    const data = await readJsonObject(c.req.raw, max)
    const doc = await ops.updateGlobal(c.get('auth'), slug, data, {
      draft: booleanParam(params, 'draft'),
      autosave: booleanParam(params, 'autosave'),
      ifRevision,
    })
    return sendPrivate(c, doc)
  })

  const action = (name: 'publish' | 'unpublish' | 'discard-draft') =>
    app.post(`/:slug/${name}`, async (c) => {
      const slug = c.req.param('slug')
      parseQuery(searchOf(c), [], `POST /api/globals/:slug/${name}`)
      await assertMayWriteGlobal(
        ops.global(slug),
        c.get('auth'),
        name === 'discard-draft' ? 'update' : 'publish',
      )
      const ifRevision = ifMatchRevision(c.req.header('if-match'))
      await readJsonBody(c.req.raw, max)
      const run =
        name === 'publish'
          ? ops.publishGlobal
          : name === 'unpublish'
            ? ops.unpublishGlobal
            : ops.discardGlobalDraft
      return sendPrivate(c, await run.call(ops, c.get('auth'), slug, { ifRevision }))
    })
  action('publish')
  action('unpublish')
  action('discard-draft')

  app.get('/:slug/revisions', async (c) => {
    const slug = c.req.param('slug')
    const { params } = parseQuery(
      searchOf(c),
      ['limit', 'page'],
      'GET /api/globals/:slug/revisions',
    )
    ops.global(slug)
    return sendPrivate(
      c,
      await ops.listGlobalRevisions(c.get('auth'), slug, {
        limit: intParam(params, 'limit'),
        page: intParam(params, 'page'),
      }),
    )
  })

  globalRestoreRoute(app, ctx)
  return app
}
