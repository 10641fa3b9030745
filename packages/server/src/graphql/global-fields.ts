import { GraphQLBoolean, GraphQLNonNull, GraphQLString } from 'graphql'
import type { SanitizedCollection } from '@galley/core'
import type { DocumentTypes } from './document-types'
import { JSONScalar } from './json-scalar'
import { camel, pascal } from './names'
import { carry, perspectiveOf, readArgs } from './perspective-args'
import type { RootFields } from './root-fields'
import { dataWithStatus, statusArg } from './write-args'

/**
 * Global `settings`: query `settings(draft, perspective)` and mutations `updateSettings`,
 * `publishSettings`, `unpublishSettings`, `discardDraftSettings`. Writes answer the global
 * as the drafts perspective shows it after the write.
 */
export function addGlobalFields(
  roots: RootFields,
  types: DocumentTypes,
  g: SanitizedCollection,
): void {
  const slug = g.slug
  const T = types.docType(g)
  const P = pascal(slug)
  const owner = `global ${slug}`
  roots.addQuery(camel(slug), owner, {
    type: new GraphQLNonNull(T),
    args: { ...readArgs },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.findGlobal(ctx.auth, slug, {
          perspective: a.perspective ?? undefined,
          draft: a.draft ?? undefined,
        }),
        perspectiveOf(a),
      ),
  })
  roots.addMutation(`update${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: {
      data: { type: new GraphQLNonNull(JSONScalar) },
      draft: { type: GraphQLBoolean },
      ...statusArg,
      autosave: { type: GraphQLBoolean },
      ifRevision: { type: GraphQLString },
    },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.updateGlobal(ctx.auth, slug, dataWithStatus(a.data, a._status), {
          draft: a.draft ?? undefined,
          autosave: a.autosave ?? undefined,
          ifRevision: a.ifRevision ?? undefined,
        }),
        'drafts',
      ),
  })
  roots.addMutation(`publish${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: { ifRevision: { type: GraphQLString } },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.publishGlobal(ctx.auth, slug, { ifRevision: a.ifRevision ?? undefined }),
        'drafts',
      ),
  })
  roots.addMutation(`unpublish${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: { ifRevision: { type: GraphQLString } },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.unpublishGlobal(ctx.auth, slug, { ifRevision: a.ifRevision ?? undefined }),
        'drafts',
      ),
  })
  roots.addMutation(`discardDraft${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: { ifRevision: { type: GraphQLString } },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.discardGlobalDraft(ctx.auth, slug, {
          ifRevision: a.ifRevision ?? undefined,
        }),
        'drafts',
      ),
  })
}
