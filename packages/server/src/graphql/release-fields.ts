import {
  GraphQLID,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
} from 'graphql'
import type { Releases } from '@galley/core'
import { callerArgs } from '../releases/release-routes'
import type { GraphQLContext } from './graphql-context'
import { JSONScalar } from './json-scalar'
import type { ClaimName } from './names'
import type { RootFields } from './root-fields'

const str = { type: GraphQLString }
const id = { id: { type: new GraphQLNonNull(GraphQLID) } }
const OWNER = 'content releases'

/**
 * Releases in GraphQL, named so no collection can clash: queries `contentReleases` and
 * `contentRelease(id)` (with `documents`: each one's change against published and its
 * validation), mutations `createContentRelease`, `updateContentRelease`,
 * `deleteContentRelease`, `publishContentRelease` (a result per document),
 * `scheduleContentRelease(id, publishAt)`, `unscheduleContentRelease`,
 * `archiveContentRelease`, `revertContentRelease`, `unpublishWithContentRelease(id,
 * collection, docId)`, `removeFromContentRelease(id, collection, docId)`. Access as over REST.
 */
export function addReleaseFields(roots: RootFields, claim: ClaimName): void {
  const Release = new GraphQLObjectType({
    name: claim('ContentRelease', OWNER),
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      title: { type: new GraphQLNonNull(GraphQLString) },
      description: { type: new GraphQLNonNull(GraphQLString) },
      type: { type: new GraphQLNonNull(GraphQLString) },
      state: { type: new GraphQLNonNull(GraphQLString) },
      publishAt: str,
      createdBy: str,
      createdAt: { type: new GraphQLNonNull(GraphQLString) },
      updatedAt: { type: new GraphQLNonNull(GraphQLString) },
      publishedAt: str,
      revertOf: str,
      documents: {
        type: JSONScalar,
        description: 'Only on `contentRelease(id)`: the documents with changes and validation.',
      },
    },
  })
  const api = (ctx: GraphQLContext): Releases => {
    const r = ctx.ops.releases()
    if (!r) throw new Error('This store keeps no releases.')
    return r
  }
  const fields: GraphQLFieldConfigArgumentMap = {
    title: str,
    description: str,
    type: str,
    publishAt: str,
  }
  roots.addQuery('contentReleases', OWNER, {
    type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Release))),
    resolve: (_s, _a, ctx) => api(ctx).list(callerArgs(ctx.auth)),
  })
  roots.addQuery('contentRelease', OWNER, {
    type: Release,
    args: id,
    resolve: (_s, a, ctx) => api(ctx).get({ id: a.id, ...callerArgs(ctx.auth) }),
  })
  roots.addMutation('createContentRelease', OWNER, {
    type: new GraphQLNonNull(Release),
    args: { ...fields, title: { type: new GraphQLNonNull(GraphQLString) } },
    resolve: (_s, a, ctx) => api(ctx).create({ ...defined(a), ...callerArgs(ctx.auth, true) }),
  })
  roots.addMutation('updateContentRelease', OWNER, {
    type: new GraphQLNonNull(Release),
    args: { ...id, ...fields },
    resolve: (_s, { id: rid, ...data }, ctx) =>
      api(ctx).update({ id: rid, data: defined(data), ...callerArgs(ctx.auth, true) }),
  })
  roots.addMutation('deleteContentRelease', OWNER, {
    type: new GraphQLNonNull(GraphQLID),
    args: id,
    resolve: async (_s, a, ctx) =>
      (await api(ctx).delete({ id: a.id, ...callerArgs(ctx.auth, true) })).id,
  })
  roots.addMutation('publishContentRelease', OWNER, {
    type: new GraphQLNonNull(JSONScalar),
    description: 'Publishes every document or none; `{ release, documents }` with an outcome each.',
    args: id,
    resolve: (_s, a, ctx) => api(ctx).publish({ id: a.id, ...callerArgs(ctx.auth, true) }),
  })
  roots.addMutation('scheduleContentRelease', OWNER, {
    type: new GraphQLNonNull(Release),
    args: { ...id, publishAt: { type: new GraphQLNonNull(GraphQLString) } },
    resolve: (_s, a, ctx) =>
      api(ctx).schedule({ id: a.id, publishAt: a.publishAt, ...callerArgs(ctx.auth, true) }),
  })
  const target = {
    ...id,
    collection: { type: new GraphQLNonNull(GraphQLString) },
    docId: { type: new GraphQLNonNull(GraphQLID) },
  }
  roots.addMutation('unpublishWithContentRelease', OWNER, {
    type: new GraphQLNonNull(Release),
    description: 'Add "unpublish this document" to the release.',
    args: target,
    resolve: (_s, a, ctx) => {
      ctx.ops.collection(a.collection)
      return api(ctx).addUnpublish({ ...a, ...callerArgs(ctx.auth, true) })
    },
  })
  roots.addMutation('removeFromContentRelease', OWNER, {
    type: new GraphQLNonNull(Release),
    description: 'Take a document out of the release (its content or its unpublish request).',
    args: target,
    resolve: (_s, a, ctx) => {
      ctx.ops.collection(a.collection)
      return api(ctx).removeDocument({ ...a, ...callerArgs(ctx.auth, true) })
    },
  })
  for (const name of ['unschedule', 'archive', 'revert'] as const)
    roots.addMutation(`${name}ContentRelease`, OWNER, {
      type: new GraphQLNonNull(Release),
      args: id,
      resolve: (_s, a, ctx) => api(ctx)[name]({ id: a.id, ...callerArgs(ctx.auth, true) }),
    })
}

/** Arguments that were given (GraphQL passes absent ones as undefined, null as null). */
function defined(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined && v !== null))
}
