import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { isValidId } from '../../ids'
import { type ResolvedPerspective, resolvePerspective } from '../../perspectives/perspective'
import type { HeadRow } from '../../storage/storage-adapter'
import { matchWhere } from '../../where/match-where'
import { type EngineState, readerOf } from '../engine-state'
import type { FindByIdArgs, GalleyDoc } from '../galley-types'
import { parseDepth } from '../query-args'
import { documentsOf } from './find'
import { readAccess } from './read-access'
import { matchTarget } from './to-doc'

/** One document in a perspective, or null when it does not resolve or the caller may not read it. */
export async function findDocumentById(
  s: EngineState,
  coll: SanitizedCollection,
  args: FindByIdArgs,
): Promise<GalleyDoc | null> {
  if (!isValidId(args.id)) return null
  const perspective = resolvePerspective(args.perspective, args.draft)
  const depth = parseDepth(args.depth, s.config.defaultDepth, s.config.maxDepth)
  const caller = callerOf(args)
  const access = await readAccess(coll, perspective, caller)
  if (access === false) return null
  // One primary-key read of the document's heads, resolved here: the same cost for every
  // perspective, and the access constraint is checked on the variant actually returned.
  const heads = await readerOf(s).getHeads(coll.storageKey, args.id, {
    author: perspective.kind !== 'published',
  })
  const row = pickVariant(heads, perspective)
  if (!row || (access && !matchWhere(access, matchTarget(row)))) return null
  const [doc] = await documentsOf(s, coll, [row], perspective, depth, caller)
  return doc ?? null
}

/** The head a perspective resolves a document to (`raw` reads like `drafts` for one document). */
function pickVariant(heads: HeadRow[], p: ResolvedPerspective): HeadRow | undefined {
  switch (p.kind) {
    case 'published':
      return heads.find((h) => h.variant === 'published')
    case 'drafts':
    case 'raw':
      return heads.find((h) => h.inDrafts)
    case 'stack':
      for (const layer of p.layers) {
        const h = heads.find((x) => x.variant === layer)
        if (h) return h
      }
      return undefined
  }
}
