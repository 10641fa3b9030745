import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLOutputType,
} from 'graphql'
import {
  ConfigError,
  InputError,
  NotFoundError,
  type Field,
  type SanitizedCollection,
} from '@galley/core'
import type { Operations } from '../operations/operations'
import type { RequestAuth } from '../server-context'
import { JSONScalar } from './json-scalar'

/** What every resolver gets: the request's caller and the shared operations. */
export interface GraphQLContext {
  auth: RequestAuth
  ops: Operations
  /** Related documents loaded in this request, by collection, perspective and id. */
  related: Map<string, Promise<Record<string, unknown> | null>>
}

/** The perspective a document was read in, carried down to its relationships. */
const PERSPECTIVE = Symbol('perspective')
type Source = Record<string | symbol, unknown>

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/** `blog-posts` → `BlogPosts`. */
export function pascal(slug: string): string {
  return slug
    .split(/[-_]/)
    .filter(Boolean)
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('')
}

/** `blog-posts` → `blogPosts`. */
export function camel(slug: string): string {
  const p = pascal(slug)
  return p[0]!.toLowerCase() + p.slice(1)
}

const readArgs = {
  draft: { type: GraphQLBoolean, description: 'true reads the drafts perspective.' },
  perspective: {
    type: GraphQLString,
    description: "'published', 'drafts', 'raw' or a comma-separated stack of release ids.",
  },
}

/**
 * Build the GraphQL schema of a config. Per collection `posts`: queries `posts(where,
 * sort, limit, page, draft, perspective)` and `postsById(id, draft, perspective)`,
 * mutations `createPosts`, `updatePosts`, `deletePosts`, `publishPosts`, `unpublishPosts`,
 * `discardDraftPosts`, `restoreRevisionPosts`. Per global `settings`: query `settings`,
 * mutations `updateSettings`, `publishSettings`, `discardDraftSettings`. Relationships
 * resolve to the related type, read with the same caller and perspective.
 */
export function buildGraphQLSchema(ops: Operations): GraphQLSchema {
  const types = new Map<string, GraphQLObjectType>()
  const names = new Map<string, string>()
  const claim = (name: string, owner: string) => {
    if (!NAME.test(name))
      throw new ConfigError(`GraphQL: '${owner}' gives the invalid name '${name}'.`)
    const other = names.get(name)
    if (other && other !== owner)
      throw new ConfigError(
        `GraphQL: '${owner}' and '${other}' both need the name '${name}'; rename one slug.`,
      )
    names.set(name, owner)
    return name
  }
  const collections = ops.collections()
  const globals = ops.globals()

  const docType = (entity: SanitizedCollection): GraphQLObjectType => {
    const key = `${entity.kind}:${entity.slug}`
    const existing = types.get(key)
    if (existing) return existing
    const name = claim(pascal(entity.slug), `${entity.kind} ${entity.slug}`)
    const type: GraphQLObjectType = new GraphQLObjectType({
      name,
      fields: () => ({
        id: { type: entity.kind === 'global' ? GraphQLID : new GraphQLNonNull(GraphQLID) },
        _status: { type: GraphQLString, description: "'draft', 'published' or 'changed'." },
        _variant: { type: GraphQLString },
        _rev: { type: GraphQLString },
        createdAt: { type: GraphQLString },
        updatedAt: { type: GraphQLString },
        ...fieldsOf(entity.fields, name),
      }),
    })
    types.set(key, type)
    return type
  }

  const fieldsOf = (
    fields: Field[],
    parent: string,
  ): GraphQLFieldConfigMap<Source, GraphQLContext> => {
    const out: GraphQLFieldConfigMap<Source, GraphQLContext> = {}
    for (const f of fields) out[f.name] = fieldConfig(f, parent)
    return out
  }

  const fieldConfig = (f: Field, parent: string): GraphQLFieldConfig<Source, GraphQLContext> => {
    switch (f.type) {
      case 'number':
        return { type: GraphQLFloat }
      case 'checkbox':
        return { type: GraphQLBoolean }
      case 'richText':
      case 'json':
        return { type: JSONScalar }
      case 'select':
        return {
          type: f.hasMany ? new GraphQLList(new GraphQLNonNull(GraphQLString)) : GraphQLString,
        }
      case 'group': {
        const t = new GraphQLObjectType({
          name: claim(`${parent}_${pascal(f.name)}`, `${parent}.${f.name}`),
          fields: () => fieldsOf(f.fields, `${parent}_${pascal(f.name)}`),
        })
        return { type: t, resolve: (src) => carry(src[f.name], src) }
      }
      case 'array': {
        const rowName = claim(`${parent}_${pascal(f.name)}`, `${parent}.${f.name}`)
        const t = new GraphQLObjectType({
          name: rowName,
          fields: () => ({ id: { type: GraphQLString }, ...fieldsOf(f.fields, rowName) }),
        })
        return {
          type: new GraphQLList(new GraphQLNonNull(t)),
          resolve: (src) =>
            Array.isArray(src[f.name])
              ? (src[f.name] as unknown[]).map((row) => carry(row, src))
              : null,
        }
      }
      case 'relationship': {
        const target = ops.collections().find((c) => c.slug === f.relationTo)
        if (!target) return { type: GraphQLID } // relation to a hidden collection: the id only
        const t = docType(target)
        if (f.hasMany) {
          return {
            type: new GraphQLList(new GraphQLNonNull(t)),
            resolve: async (src, _a, ctx) => {
              const v = src[f.name]
              if (!Array.isArray(v)) return null
              const docs = await Promise.all(
                v.map((item) => loadRelated(ctx, f.relationTo, item, src)),
              )
              return docs.filter((d) => d !== null)
            },
          }
        }
        return {
          type: t,
          resolve: (src, _a, ctx) => loadRelated(ctx, f.relationTo, src[f.name], src),
        }
      }
      default:
        return { type: GraphQLString }
    }
  }

  const pageType = (entity: SanitizedCollection) =>
    new GraphQLObjectType({
      name: claim(`${pascal(entity.slug)}Page`, `collection ${entity.slug}`),
      fields: {
        docs: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(docType(entity)))) },
        totalDocs: { type: new GraphQLNonNull(GraphQLInt) },
        limit: { type: new GraphQLNonNull(GraphQLInt) },
        page: { type: new GraphQLNonNull(GraphQLInt) },
        totalPages: { type: new GraphQLNonNull(GraphQLInt) },
        hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
        hasPrevPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      },
    })

  const DeleteResult = new GraphQLObjectType({
    name: claim('DeleteResult', 'delete mutations'),
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  })

  const query: GraphQLFieldConfigMap<unknown, GraphQLContext> = {}
  const mutation: GraphQLFieldConfigMap<unknown, GraphQLContext> = {}
  const field = (
    map: Record<string, unknown>,
    name: string,
    owner: string,
    config: GraphQLFieldConfig<unknown, GraphQLContext, any>,
  ) => {
    claim(name, owner)
    map[name] = config
  }

  for (const c of collections) {
    const slug = c.slug
    const T = docType(c)
    const P = pascal(slug)
    const owner = `collection ${slug}`
    field(query, camel(slug), owner, {
      type: new GraphQLNonNull(pageType(c)),
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
    field(query, `${camel(slug)}ById`, owner, {
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
    field(mutation, `create${P}`, owner, {
      type: new GraphQLNonNull(T),
      args: {
        data: { type: new GraphQLNonNull(JSONScalar) },
        draft: { type: GraphQLBoolean },
        id: { type: GraphQLID },
      },
      resolve: async (_s, a, ctx) =>
        carry(
          await ctx.ops.create(ctx.auth, slug, dataArg(a.data), {
            draft: a.draft ?? undefined,
            id: a.id ?? undefined,
          }),
          'drafts',
        ),
    })
    field(mutation, `update${P}`, owner, {
      type: new GraphQLNonNull(T),
      args: {
        id: { type: new GraphQLNonNull(GraphQLID) },
        data: { type: new GraphQLNonNull(JSONScalar) },
        draft: { type: GraphQLBoolean },
        autosave: { type: GraphQLBoolean },
        ifRevision: { type: GraphQLString },
      },
      resolve: async (_s, a, ctx) =>
        carry(
          await ctx.ops.update(ctx.auth, slug, a.id, dataArg(a.data), {
            draft: a.draft ?? undefined,
            autosave: a.autosave ?? undefined,
            ifRevision: a.ifRevision ?? undefined,
          }),
          'drafts',
        ),
    })
    field(mutation, `delete${P}`, owner, {
      type: new GraphQLNonNull(DeleteResult),
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
      field(mutation, `${verb}${P}`, owner, {
        type: new GraphQLNonNull(T),
        args: { id: { type: new GraphQLNonNull(GraphQLID) }, ifRevision: { type: GraphQLString } },
        resolve: async (_s, a, ctx) =>
          carry(await run(ctx, a.id, a.ifRevision ?? undefined), 'drafts'),
      })
    }
    field(mutation, `restoreRevision${P}`, owner, {
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

  for (const g of globals) {
    const slug = g.slug
    const T = docType(g)
    const P = pascal(slug)
    const owner = `global ${slug}`
    field(query, camel(slug), owner, {
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
    field(mutation, `update${P}`, owner, {
      type: new GraphQLNonNull(T),
      args: {
        data: { type: new GraphQLNonNull(JSONScalar) },
        draft: { type: GraphQLBoolean },
        autosave: { type: GraphQLBoolean },
        ifRevision: { type: GraphQLString },
      },
      resolve: async (_s, a, ctx) =>
        carry(
          await ctx.ops.updateGlobal(ctx.auth, slug, dataArg(a.data), {
            draft: a.draft ?? undefined,
            autosave: a.autosave ?? undefined,
            ifRevision: a.ifRevision ?? undefined,
          }),
          'drafts',
        ),
    })
    field(mutation, `publish${P}`, owner, {
      type: new GraphQLNonNull(T),
      args: { ifRevision: { type: GraphQLString } },
      resolve: async (_s, a, ctx) =>
        carry(
          await ctx.ops.publishGlobal(ctx.auth, slug, { ifRevision: a.ifRevision ?? undefined }),
          'drafts',
        ),
    })
    field(mutation, `discardDraft${P}`, owner, {
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

  if (Object.keys(query).length === 0) {
    query._empty = {
      type: GraphQLBoolean,
      description: 'This config has no collections or globals.',
      resolve: () => null,
    }
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    mutation: Object.keys(mutation).length
      ? new GraphQLObjectType({ name: 'Mutation', fields: mutation })
      : undefined,
  })
}

/** The perspective a root read used, as the related reads should use it. */
function perspectiveOf(a: { draft?: boolean | null; perspective?: string | null }): string {
  if (a.perspective) return a.perspective === 'raw' ? 'drafts' : a.perspective
  return a.draft ? 'drafts' : 'published'
}

/** Attach the perspective to an object (a document, group or array row) for its relationships. */
function carry(value: unknown, from: Source | string): unknown {
  if (typeof value !== 'object' || value === null) return value
  const p = typeof from === 'string' ? from : from[PERSPECTIVE]
  return Object.assign(Object.create(null), value, { [PERSPECTIVE]: p })
}

function dataArg(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('data must be an object of field values.')
  return data as Record<string, unknown>
}

/** A related document read with the parent's caller and perspective; null when it does not resolve or may not be read. */
async function loadRelated(
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
