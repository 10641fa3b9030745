import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { NotFoundError } from '../../errors'
import { isValidId } from '../../ids'
import { type EngineState, readerOf } from '../engine-state'
import type { CallerArgs, PaginatedDocs, Revision } from '../galley-types'
import { parsePaging } from '../query-args'
import { findDocuments, pageOf } from './find'
import { allows, readAccess } from './read-access'

/** A document's history, newest first, for a caller who may read it in the drafts perspective. */
export async function listDocumentRevisions(
  s: EngineState,
  coll: SanitizedCollection,
  id: string,
  args: CallerArgs & { limit?: number; page?: number },
): Promise<PaginatedDocs<Revision>> {
  // History holds draft content, so it needs readDrafts as well as read.
  const caller = callerOf(args)
  const drafts = await readAccess(coll, { kind: 'drafts' }, caller)
  const published = await readAccess(coll, { kind: 'published' }, caller)
  const { limit, page } = parsePaging(args.limit, args.page)
  if (!isValidId(id))
    throw new NotFoundError(
      `'${coll.slug}' ${JSON.stringify(String(id)).slice(0, 80)} does not exist.`,
    )
  const visible = await findDocuments(
    s,
    coll,
    {
      collection: coll.slug,
      perspective: 'drafts',
      limit: 1,
      user: args.user,
      overrideAccess: args.overrideAccess,
    },
    id,
  )
  if (!visible.docs[0])
    throw new NotFoundError(`'${coll.slug}' ${JSON.stringify(id)} does not exist.`)
  const { rows, total } = await readerOf(s).listRevisions(coll.storageKey, id, {
    limit,
    offset: (page - 1) * limit,
  })
  const doc = visible.docs[0]
  // Each revision's content as a read of its variant would judge it: published content
  // under the `read` rule, any other under `read` and `readDrafts`. Content the rules hide
  // (it was private then, say) is left out (`data: null`); the entry stays.
  const shown = (r: (typeof rows)[number]): boolean =>
    r.data === null ||
    allows(r.variant === 'published' ? published : drafts, {
      id,
      createdAt: doc.createdAt,
      updatedAt: r.createdAt,
      status: r.variant === 'published' ? 'published' : 'draft',
      variant: r.variant,
      data: r.data,
    })
  return pageOf(
    rows.map((row) => {
      const { collection: _c, ...r } = row
      return shown(row) ? r : { ...r, data: null }
    }),
    total,
    limit,
    page,
  )
}
