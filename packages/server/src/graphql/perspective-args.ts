import { GraphQLBoolean, GraphQLString } from 'graphql'

/** The perspective a document was read in, carried down to its relationships. */
export const PERSPECTIVE = Symbol('perspective')

/** A resolved object (document, group or array row) with the perspective it was read in. */
export type Source = Record<string | symbol, unknown>

/** The arguments of every read: `draft` and `perspective`, as REST takes them. */
export const readArgs = {
  draft: { type: GraphQLBoolean, description: 'true reads the drafts perspective.' },
  perspective: {
    type: GraphQLString,
    description: "'published', 'drafts', 'raw' or a comma-separated stack of release ids.",
  },
}

/** The perspective a root read used, as the related reads should use it. */
export function perspectiveOf(a: { draft?: boolean | null; perspective?: string | null }): string {
  if (a.perspective) return a.perspective === 'raw' ? 'drafts' : a.perspective
  return a.draft ? 'drafts' : 'published'
}

/** Attach the perspective to an object (a document, group or array row) for its relationships. */
export function carry(value: unknown, from: Source | string): unknown {
  if (typeof value !== 'object' || value === null) return value
  const p = typeof from === 'string' ? from : from[PERSPECTIVE]
  return Object.assign(Object.create(null), value, { [PERSPECTIVE]: p })
}
