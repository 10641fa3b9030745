import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
} from 'graphql'
import type { Operations } from '../operations/operations'
import { addCollectionMutations } from './collection-mutations'
import { addCollectionQueries } from './collection-queries'
import { DocumentTypes } from './document-types'
import { addGlobalFields } from './global-fields'
import { nameRegistry } from './names'
import { addReleaseFields } from './release-fields'
import { RootFields } from './root-fields'
import { WriteStatus } from './write-args'

export type { GraphQLContext } from './graphql-context'

/**
 * Build the GraphQL schema of a config. Per collection `posts`: queries `posts(where,
 * sort, limit, page, draft, perspective)` and `postsById(id, draft, perspective)`,
 * mutations `createPosts`, `updatePosts`, `deletePosts`, `publishPosts`, `unpublishPosts`,
 * `discardDraftPosts`, `restoreRevisionPosts`. Per global `settings`: query `settings`,
 * mutations `updateSettings`, `publishSettings`, `unpublishSettings`,
 * `discardDraftSettings`. Relationships resolve to the related type, read with the same
 * caller and perspective.
 */
export function buildGraphQLSchema(ops: Operations): GraphQLSchema {
  const claim = nameRegistry()
  const types = new DocumentTypes(ops, claim)
  const roots = new RootFields(claim)
  const deleteResult = new GraphQLObjectType({
    name: claim('DeleteResult', 'delete mutations'),
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  })
  claim(WriteStatus.name, 'create and update mutations')
  for (const c of ops.collections()) {
    addCollectionQueries(roots, types, c)
    addCollectionMutations(roots, types, c, deleteResult)
  }
  for (const g of ops.globals()) addGlobalFields(roots, types, g)
  if (ops.releases()) addReleaseFields(roots, claim)

  if (Object.keys(roots.query).length === 0) {
    roots.query._empty = {
      type: GraphQLBoolean,
      description: 'This config has no collections or globals.',
      resolve: () => null,
    }
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: roots.query }),
    mutation: Object.keys(roots.mutation).length
      ? new GraphQLObjectType({ name: 'Mutation', fields: roots.mutation })
      : undefined,
  })
}
