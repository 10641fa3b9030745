import { GraphQLID, GraphQLInt, GraphQLNonNull, GraphQLString } from 'graphql'
import { NotFoundError, type SanitizedCollection } from '@galley/core'
import type { DocumentTypes } from './document-types'
import { JSONScalar } from './json-scalar'
import { camel } from './names'
import { carry, perspectiveOf, readArgs } from './perspective-args'
import type { RootFields } from './root-fields'

/**
 * The reads of collection `posts`: `posts(where, sort, limit, page, draft, perspective)`, a
 * page as `find` returns it (`where` is the JSON where language of REST), and
 * `postsById(id, draft, perspective)`, null when the document does not exist or may not be read.
 */
export function addCollectionQueries(
  roots: RootFields,
  types: DocumentTypes,
  c: SanitizedCollection,
): void {
  const slug = c.slug
  const owner = `collection ${slug}`
  const T = types.docType(c) // claimed before its page type, as the names' error messages expect
  roots.addQuery(camel(slug), owner, {
    type: new GraphQLNonNull(types.pageType(c)),
    args: {
      where: { type: JSONScalar },
      sort: { type: GraphQLString },
      limit: { type: GraphQLInt },
      page: { type: GraphQLInt },
      ...readArgs,
    },
    resolve: async (_s, a, ctx) => {
      const res = await ctx.ops.find(ctx.auth, slug, {
        where: a.where ?? undefined,
        sort: a.sort ?? undefined,
        limit: a.limit ?? undefined,
        page: a.page ?? undefined,
        perspective: a.perspective ?? undefined,
        draft: a.draft ?? undefined,
      })
      return { ...res, docs: res.docs.map((d) => carry(d, perspectiveOf(a))) }
    },
  })
  roots.addQuery(`${camel(slug)}ById`, owner, {
    type: T,
    args: { id: { type: new GraphQLNonNull(GraphQLID) }, ...readArgs },
    resolve: async (_s, a, ctx) => {
      try {
        return carry(
          await ctx.ops.findById(ctx.auth, slug, a.id, {
            perspective: a.perspective ?? undefined,
            draft: a.draft ?? undefined,
          }),
          perspectiveOf(a),
        )
      } catch (err) {
        if (err instanceof NotFoundError) return null
        throw err
      }
    },
  })
}
