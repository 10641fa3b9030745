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
  // In a perspective with one row per document, a where that names at most so many
  // documents (ids, values of a unique field) needs no count when the page can hold them.
  // Release stacks have one row per document too, but nothing keeps a unique field unique
  // across a release's layers: there only ids pin. (Populating related documents and
  // reading globals ask for as many rows as they pin, a full page that would be counted.)
  const pinned =
    perspective.kind === 'published' || perspective.kind === 'drafts'
      ? pinnedDocuments(userWhere, true)
      : perspective.kind === 'stack'
        ? pinnedDocuments(userWhere, false)
        : Infinity
  const offset = (page - 1) * limit
  const { rows, total } = await readerOf(s).findResolved({
    collection: coll.storageKey,
    perspective,
    where: andNodes(userWhere, access),
    sort,
    limit,
    offset,
    single: pinned <= 1,
    skipCount: offset === 0 && pinned <= limit,
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
 * else holds. One read shares one budget of populated documents across every level
 * (`maxPopulatedDocs`): past it, ids stay ids, so a small request cannot fan out into a
 * huge response. Documents of reads in
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
 * How many documents a where tree names at most, in a perspective with one row per
 * document: a top-level `equals` or `in` on the id or, with `byUnique`, on a unique field
 * (unique within published content and within the drafts view, which the stores enforce)
 * names that many; anything else, Infinity.
 */
function pinnedDocuments(node: WhereNode | undefined, byUnique: boolean): number {
  if (!node || node.type === 'or') return Infinity
  if (node.type === 'and') {
    let least = Infinity
    for (const child of (node as { children: WhereNode[] }).children)
      least = Math.min(least, pinnedDocuments(child, byUnique))
    return least
  }
  const c = node as WhereCondition
  if (!(c.column === 'id' || (byUnique && c.unique === true))) return Infinity
  for (const step of c.steps) if ('each' in step) return Infinity
  if (c.operator === 'equals') return c.value === null ? Infinity : 1
  if (c.operator === 'in') return new Set(c.value as unknown[]).size
  return Infinity
}

/** A resolved perspective as `find` takes it again (for related documents). */
function perspectiveArg(p: ResolvedPerspective): FindArgs['perspective'] {
  if (p.kind !== 'stack') return p.kind
  return p.layers.map((l) =>
    l.startsWith('release:') ? l.slice(8) : l === 'draft' ? 'drafts' : 'published',
  )
}
