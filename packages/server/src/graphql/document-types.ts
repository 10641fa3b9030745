import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
} from 'graphql'
import type { Field, SanitizedCollection } from '@galley/core'
import type { Operations } from '../operations/operations'
import type { GraphQLContext } from './graphql-context'
import { JSONScalar } from './json-scalar'
import { loadRelated } from './load-related'
import { pascal, type ClaimName } from './names'
import { carry, type Source } from './perspective-args'

/**
 * The output types made from a config's fields: one object type per collection or global
 * (system fields, then its fields), one per group and array row, and a page type per
 * collection. Relationships resolve to the related type; a relation to a collection the API
 * hides stays an id. Types are made once and shared, so two relations to one collection
 * give one type.
 */
export class DocumentTypes {
  readonly #ops: Operations
  readonly #claim: ClaimName
  readonly #types = new Map<string, GraphQLObjectType>()

  constructor(ops: Operations, claim: ClaimName) {
    this.#ops = ops
    this.#claim = claim
  }

  /** The object type of a collection's or global's documents, e.g. `Posts`. */
  docType(entity: SanitizedCollection): GraphQLObjectType {
    const key = `${entity.kind}:${entity.slug}`
    const existing = this.#types.get(key)
    if (existing) return existing
    const name = this.#claim(pascal(entity.slug), `${entity.kind} ${entity.slug}`)
    const type: GraphQLObjectType = new GraphQLObjectType({
      name,
      fields: () => ({
        id: { type: entity.kind === 'global' ? GraphQLID : new GraphQLNonNull(GraphQLID) },
        _status: { type: GraphQLString, description: "'draft', 'published' or 'changed'." },
        _variant: { type: GraphQLString },
        _rev: { type: GraphQLString },
        createdAt: { type: GraphQLString },
        updatedAt: { type: GraphQLString },
        updatedBy: {
          type: GraphQLString,
          description:
            'Who wrote the content shown (a user id) in reads of drafts, raw and releases; null in published reads.',
        },
        ...this.#fieldsOf(entity.fields, name),
      }),
    })
    this.#types.set(key, type)
    return type
  }

  /** A page of a collection's documents with the paging fields of `find`, e.g. `PostsPage`. */
  pageType(entity: SanitizedCollection): GraphQLObjectType {
    return new GraphQLObjectType({
      name: this.#claim(`${pascal(entity.slug)}Page`, `collection ${entity.slug}`),
      fields: {
        docs: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(this.docType(entity)))),
        },
        totalDocs: { type: new GraphQLNonNull(GraphQLInt) },
        limit: { type: new GraphQLNonNull(GraphQLInt) },
        page: { type: new GraphQLNonNull(GraphQLInt) },
        totalPages: { type: new GraphQLNonNull(GraphQLInt) },
        hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
        hasPrevPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      },
    })
  }

  #fieldsOf(fields: Field[], parent: string): GraphQLFieldConfigMap<Source, GraphQLContext> {
    const out: GraphQLFieldConfigMap<Source, GraphQLContext> = {}
    for (const f of fields) out[f.name] = this.#fieldConfig(f, parent)
    return out
  }

  #fieldConfig(f: Field, parent: string): GraphQLFieldConfig<Source, GraphQLContext> {
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
        const name = this.#claim(`${parent}_${pascal(f.name)}`, `${parent}.${f.name}`)
        const t = new GraphQLObjectType({ name, fields: () => this.#fieldsOf(f.fields, name) })
        return { type: t, resolve: (src) => carry(src[f.name], src) }
      }
      case 'array': {
        const rowName = this.#claim(`${parent}_${pascal(f.name)}`, `${parent}.${f.name}`)
        const t = new GraphQLObjectType({
          name: rowName,
          fields: () => ({ id: { type: GraphQLString }, ...this.#fieldsOf(f.fields, rowName) }),
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
        const target = this.#ops.collections().find((c) => c.slug === f.relationTo)
        if (!target) return { type: GraphQLID } // relation to a hidden collection: the id only
        const t = this.docType(target)
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
}
