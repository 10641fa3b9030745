import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLObjectType,
} from 'graphql'
import type { SanitizedCollection } from '@galley/core'
import type { DocumentTypes } from './document-types'
import type { GraphQLContext } from './graphql-context'
import { JSONScalar } from './json-scalar'
import { pascal } from './names'
import { carry } from './perspective-args'
import type { RootFields } from './root-fields'
import { dataWithStatus, statusArg } from './write-args'

/**
 * The writes of collection `posts`: `createPosts`, `updatePosts`, `deletePosts`,
 * `publishPosts`, `unpublishPosts`, `discardDraftPosts`, `restoreRevisionPosts`. Each answers
 * the document as the drafts perspective shows it after the write (`deletePosts`: its id).
 */
export function addCollectionMutations(
  roots: RootFields,
  types: DocumentTypes,
  c: SanitizedCollection,
  deleteResult: GraphQLObjectType,
): void {
  const slug = c.slug
  const T = types.docType(c)
  const P = pascal(slug)
  const owner = `collection ${slug}`
  roots.addMutation(`create${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: {
      data: { type: new GraphQLNonNull(JSONScalar) },
      draft: { type: GraphQLBoolean },
      ...statusArg,
      id: { type: GraphQLID },
      release: { type: GraphQLString, description: 'Create it inside this (open) release only.' },
    },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.create(ctx.auth, slug, dataWithStatus(a.data, a._status), {
          draft: a.draft ?? undefined,
          id: a.id ?? undefined,
          release: a.release ?? undefined,
        }),
        a.release ? `${a.release},drafts` : 'drafts',
      ),
  })
  roots.addMutation(`update${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      data: { type: new GraphQLNonNull(JSONScalar) },
      draft: { type: GraphQLBoolean },
      ...statusArg,
      autosave: { type: GraphQLBoolean },
      ifRevision: { type: GraphQLString },
      release: { type: GraphQLString, description: 'Write the content of this (open) release.' },
    },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.update(ctx.auth, slug, a.id, dataWithStatus(a.data, a._status), {
          draft: a.draft ?? undefined,
          autosave: a.autosave ?? undefined,
          ifRevision: a.ifRevision ?? undefined,
          release: a.release ?? undefined,
        }),
        a.release ? `${a.release},drafts` : 'drafts',
      ),
  })
  roots.addMutation(`delete${P}`, owner, {
    type: new GraphQLNonNull(deleteResult),
    args: { id: { type: new GraphQLNonNull(GraphQLID) }, ifRevision: { type: GraphQLString } },
    resolve: (_s, a, ctx) =>
      ctx.ops.delete(ctx.auth, slug, a.id, { ifRevision: a.ifRevision ?? undefined }),
  })
  const actions = [
    [
      'publish',
      (ctx: GraphQLContext, id: string, ifRevision?: string) =>
        ctx.ops.publish(ctx.auth, slug, id, { ifRevision }),
    ],
    [
      'unpublish',
      (ctx: GraphQLContext, id: string, ifRevision?: string) =>
        ctx.ops.unpublish(ctx.auth, slug, id, { ifRevision }),
    ],
    [
      'discardDraft',
      (ctx: GraphQLContext, id: string, ifRevision?: string) =>
        ctx.ops.discardDraft(ctx.auth, slug, id, { ifRevision }),
    ],
  ] as const
  for (const [verb, run] of actions) {
    roots.addMutation(`${verb}${P}`, owner, {
      type: new GraphQLNonNull(T),
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, ifRevision: { type: GraphQLString } },
      resolve: async (_s, a, ctx) =>
        carry(await run(ctx, a.id, a.ifRevision ?? undefined), 'drafts'),
    })
  }
  roots.addMutation(`restoreRevision${P}`, owner, {
    type: new GraphQLNonNull(T),
    args: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      revisionId: { type: new GraphQLNonNull(GraphQLID) },
      draft: { type: GraphQLBoolean },
    },
    resolve: async (_s, a, ctx) =>
      carry(
        await ctx.ops.restoreRevision(ctx.auth, slug, a.id, a.revisionId, {
          draft: a.draft ?? undefined,
        }),
        'drafts',
      ),
  })
}
