import type { Operations } from '../operations/operations'
import type { RequestAuth } from '../server-context'

/** What every resolver gets: the request's caller and the shared operations. */
export interface GraphQLContext {
  auth: RequestAuth
  ops: Operations
  /** Related documents loaded in this request, by collection, perspective and id. */
  related: Map<string, Promise<Record<string, unknown> | null>>
}
