import type { Hono } from 'hono'
import { isValidId, NotFoundError } from '@galley/core'
import { booleanParam, ifMatchRevision, parseQuery } from '../http/query-params'
import { readJsonBody } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'
import { assertMayWriteGlobal } from '../operations/write-access'

/**
 * `POST /globals/:slug/revisions/:rev/restore` (`?draft=true` restores as the draft), the
 * globals' counterpart of a document's restore: the revision's content becomes the new
 * draft or is published, with `If-Match` like every write. Read-only tokens cannot restore.
 */
export function globalRestoreRoute(app: Hono<ServerEnv>, ctx: ServerContext): void {
  app.post('/:slug/revisions/:rev/restore', async (c) => {
    const slug = c.req.param('slug')
    const rev = c.req.param('rev')
    const { params } = parseQuery(
      searchOf(c),
      ['draft'],
      'POST /api/globals/:slug/revisions/:rev/restore',
    )
    ctx.ops.global(slug)
    if (!isValidId(rev))
      throw new NotFoundError(
        `Revision ${JSON.stringify(String(rev).slice(0, 80))} does not exist.`,
      )
    const auth = c.get('auth')
    await assertMayWriteGlobal(ctx.ops.global(slug), auth, 'update')
    const ifRevision = ifMatchRevision(c.req.header('if-match'))
    await readJsonBody(c.req.raw, ctx.options.maxBodyBytes)
    const doc = await ctx.galley.restoreGlobalRevision({
      slug,
      revisionId: rev,
      draft: booleanParam(params, 'draft'),
      ifRevision,
      user: auth.user,
    })
    return sendPrivate(c, doc)
  })
}
