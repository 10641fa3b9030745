import { NotFoundError } from '@galley/core'
import type { GraphQLContext } from './graphql-context'
import { PERSPECTIVE, carry, type Source } from './perspective-args'

/**
 * A related document read with the parent's caller and perspective; null when it does not
 * resolve or may not be read. Each (collection, perspective, id) is read once per request.
 */
export async function loadRelated(
  ctx: GraphQLContext,
  collection: string,
  value: unknown,
  parent: Source,
): Promise<unknown> {
  const perspective = String(parent[PERSPECTIVE] ?? 'published')
  const id =
    typeof value === 'string'
      ? value
      : typeof value === 'object' &&
          value !== null &&
          typeof (value as { id?: unknown }).id === 'string'
        ? (value as { id: string }).id
        : null
  if (id === null) return null
  const key = `${collection}\u0000${perspective}\u0000${id}`
  let p = ctx.related.get(key)
  if (!p) {
    p = ctx.ops.findById(ctx.auth, collection, id, { perspective }).catch((err) => {
      if (err instanceof NotFoundError) return null
      throw err
    })
    ctx.related.set(key, p)
  }
  return carry(await p, perspective)
}
