import { callerOf } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { resolvePerspective } from '../../perspectives/perspective'
import { andNodes, parseWhere } from '../../where/parse-where'
import { type EngineState, readerOf } from '../engine-state'
import type { CountArgs } from '../galley-types'
import { readAccess } from './read-access'

/** How many documents `find` would match in all, as the caller may read them. */
export async function countDocuments(
  s: EngineState,
  coll: SanitizedCollection,
  args: CountArgs,
): Promise<{ totalDocs: number }> {
  const perspective = resolvePerspective(args.perspective, args.draft)
  const access = await readAccess(coll, perspective, callerOf(args))
  if (access === false) return { totalDocs: 0 }
  const where = andNodes(parseWhere(args.where, coll.paths, coll.slug), access)
  const totalDocs = await readerOf(s).countResolved({
    collection: coll.storageKey,
    perspective,
    where,
  })
  return { totalDocs }
}
