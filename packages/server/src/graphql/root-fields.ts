import type { GraphQLFieldConfig, GraphQLFieldConfigMap } from 'graphql'
import type { GraphQLContext } from './graphql-context'
import type { ClaimName } from './names'

type RootFieldConfig = GraphQLFieldConfig<unknown, GraphQLContext, any>

/** The fields of the `Query` and `Mutation` roots, each name claimed so none is defined twice. */
export class RootFields {
  readonly query: GraphQLFieldConfigMap<unknown, GraphQLContext> = {}
  readonly mutation: GraphQLFieldConfigMap<unknown, GraphQLContext> = {}
  readonly #claim: ClaimName

  constructor(claim: ClaimName) {
    this.#claim = claim
  }

  addQuery(name: string, owner: string, config: RootFieldConfig): void {
    this.query[this.#claim(name, owner)] = config
  }

  addMutation(name: string, owner: string, config: RootFieldConfig): void {
    this.mutation[this.#claim(name, owner)] = config
  }
}
