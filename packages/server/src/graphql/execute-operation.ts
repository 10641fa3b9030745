import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql'
import { AuthStore } from '../auth/auth-store'
import { Operations } from '../operations/operations'
import type { RequestAuth, ServerContext } from '../server-context'
import type { GraphQLContext } from './graphql-context'
import { hashMutationPasswords } from './mutation-passwords'

/** The operation to run, as the route checked it. */
export interface OperationRequest {
  schema: GraphQLSchema
  document: DocumentNode
  operation: 'query' | 'mutation'
  variables?: Record<string, unknown>
  operationName?: string
}

/** Thrown out of the transaction so that it rolls back, carrying the result to answer with. */
class RolledBack extends Error {
  constructor(readonly result: ExecutionResult) {
    super('The mutation document failed; its transaction was rolled back.')
  }
}

/**
 * Run one operation. A query runs as is. A mutation runs all its fields in one transaction
 * (graphql-js runs them one after another): if any field, or anything selected below it,
 * ends in an error, the transaction rolls back, nothing the document wrote is kept, and the
 * answer is `data: null` with the errors (each with the path of the field that failed).
 * Change events, cache purges and webhooks follow from the commit, so a rolled-back
 * document sends none.
 */
export async function executeOperation(
  ctx: ServerContext,
  auth: RequestAuth,
  req: OperationRequest,
): Promise<ExecutionResult> {
  const run = (ops: Operations) => {
    const contextValue: GraphQLContext = { auth, ops, related: new Map() }
    return execute({
      schema: req.schema,
      document: req.document,
      variableValues: req.variables,
      operationName: req.operationName,
      contextValue,
    })
  }
  if (req.operation !== 'mutation') return run(ctx.ops)
  const prehashed = await hashMutationPasswords(
    ctx,
    auth,
    req.schema,
    req.document,
    req.variables,
    req.operationName,
  )
  try {
    return await ctx.galley.transaction(async (tx) => {
      const store = ctx.store ? new AuthStore(tx) : null
      const result = await run(new Operations(tx, store, prehashed))
      if (result.errors?.length) throw new RolledBack(result)
      return result
    })
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err
    // No data at all (variables that do not coerce) stays a request error.
    return err.result.data === undefined ? err.result : { data: null, errors: err.result.errors }
  }
}
