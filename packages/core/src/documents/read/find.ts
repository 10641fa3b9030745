import { ForbiddenError } from '../../errors'
import { type Caller, callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { type ResolvedPerspective, resolvePerspective } from '../../perspectives/perspective'
import type { HeadRow } from '../../storage/storage-adapter'
import { andNodes, parseWhere } from '../../where/parse-where'
import type { WhereCondition, WhereNode } from '../../where/where-types'
import { type EngineState, collectionOf, readerOf } from '../engine-state'
import type { FindArgs, GalleyDoc, PaginatedDocs } from '../galley-types'
import { parseDepth, parsePaging, parseSort } from '../query-args'
import { populateRelationships } from './populate'
import { readAccess } from './read-access'
import { adoptDoc, adoptDocWithAuthor } from './to-doc'

/** How many more related documents one read may populate. */
export interface PopulateBudget {
  left: number
}

/**
 * One page of documents resolved in a perspective, filtered by `where` and the caller's
 * read access, sorted, populated to `depth`. `fixedId` replaces `where` with that id.
 */
export async function findDocuments(
  s: EngineState,
  coll: SanitizedCollection,
  args: FindArgs,
  fixedId?: string,
  budget?: PopulateBudget,
): Promise<PaginatedDocs<GalleyDoc>> {
  const perspective = resolvePerspective(args.perspective, args.draft)
  const { limit, page } = parsePaging(args.limit, args.page)
  const sort = parseSort(args.sort, coll)
  const depth = parseDepth(args.depth, s.config.defaultDepth, s.config.maxDepth)
  const caller = callerOf(args)
  const access = await readAccess(coll, perspective, caller)
  if (access === false) return pageOf([], 0, limit, page)
  const userWhere = fixedId
    ? parseWhere({ id: { equals: fixedId } }, coll.paths, coll.slug)
    : parseWhere(args.where, coll.paths, coll.slug)
  const single =
    (perspective.kind === 'published' || perspective.kind === 'drafts') &&
    pinsOneDocument(userWhere)
  const { rows, total } = await readerOf(s).findResolved({
    collection: coll.storageKey,
    perspective,
    where: andNodes(userWhere, access),
    sort,
    limit,
    offset: (page - 1) * limit,
    single,
  })
  const docs = await documentsOf(s, coll, rows, perspective, depth, caller, budget)
  return pageOf(docs, total, limit, page)
}

/** A page of results in the shape every list answer has. */
export function pageOf<X>(docs: X[], total: number, limit: number, page: number): PaginatedDocs<X> {
  const totalPages = limit === 0 ? 0 : Math.ceil(total / limit)
  return {
    docs,
    totalDocs: total,
    limit,
    page,
    totalPages,
    hasNextPage: page < totalPages,
    hasPrevPage: page > 1,
  }
}

/**
 * Documents out of rows, with relationships populated to `depth`. The rows' content
 * objects become the documents (`adoptDoc`): rows as a read returned them, which nothing
 * else holds. One read shares one
 * budget of populated documents across every level (`maxPopulatedDocs`): past it, ids
 * stay ids, so a small request cannot fan out into a huge response. Documents of reads in
 * a perspective other than `published` carry `updatedBy` (`authors: false` leaves it out:
 * a write's answer, whose rows were not read with their authors).
 */
export async function documentsOf(
  s: EngineState,
  coll: SanitizedCollection,
  rows: HeadRow[],
  perspective: ResolvedPerspective,
  depth: number,
  caller: Caller,
  budget: PopulateBudget = { left: s.config.maxPopulatedDocs },
  authors = perspective.kind !== 'published',
): Promise<GalleyDoc[]> {
  const docs = rows.map(authors ? adoptDocWithAuthor : adoptDoc)
  if (depth > 0 && budget.left > 0) {
    await populateRelationships(docs, coll.fields, depth, budget, (relationTo, ids, d) =>
      findDocuments(
        s,
        collectionOf(s.config, relationTo),
        {
          collection: relationTo,
          where: { id: { in: ids } },
          limit: ids.length,
          perspective: perspective.kind === 'raw' ? 'drafts' : perspectiveArg(perspective),
          depth: d,
          user: caller.user,
          overrideAccess: caller.overrideAccess,
        },
        undefined,
        budget,
      ).then(
        (r) => r.docs,
        // A related collection whose drafts the caller may not read: its ids stay bare, as
        // for any related document the caller may not see (not a failed read, or a write
        // that committed and then answered 403).
        (err: unknown) => {
          if (err instanceof ForbiddenError) return []
          throw err
        },
      ),
    )
  }
  return docs
}

/**
 * Whether a where tree pins at most one document of a perspective with one row per
 * document: a top-level equality on the id or on a unique field (unique within published
 * content and within the drafts view, which the stores enforce).
 */
function pinsOneDocument(node: WhereNode | undefined): boolean {
  if (!node) return false
  if (node.type === 'or') return false
  if (node.type === 'and') {
    for (const child of (node as { children: WhereNode[] }).children)
      if (pinsOneDocument(child)) return true
    return false
  }
  const c = node as WhereCondition
  if (c.operator !== 'equals' || c.value === null || !(c.column === 'id' || c.unique === true))
    return false
  for (const step of c.steps) if ('each' in step) return false
  return true
}

/** A resolved perspective as `find` takes it again (for related documents). */
function perspectiveArg(p: ResolvedPerspective): FindArgs['perspective'] {
  if (p.kind !== 'stack') return p.kind
  return p.layers.map((l) =>
    l.startsWith('release:') ? l.slice(8) : l === 'draft' ? 'drafts' : 'published',
  )
}
