import { Hono, type Context } from 'hono'
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql'
import {
  ConflictError,
  GalleyError,
  InputError,
  StoreBusyError,
  ValidationError,
} from '@galley/core'
import { parseQuery } from '../http/query-params'
import { readJsonObject } from '../http/read-json-body'
import { sendPrivate } from '../http/respond'
import { searchOf } from '../http/search-of'
import type { ServerContext, ServerEnv } from '../server-context'
import { buildGraphQLSchema } from './build-schema'
import { checkDocument } from './check-document'
import { LineIndex } from './error-locations'
import { executeOperation } from './execute-operation'

const MAX_QUERY_LENGTH = 100_000

interface GraphQLRequest {
  query: string
  variables?: Record<string, unknown>
  operationName?: string
}

/**
 * `POST /graphql` (queries and mutations, JSON body `{ query, variables, operationName }`)
 * and `GET /graphql?query=…&variables=…` (queries only). Responses are never cached publicly.
 */
export function graphqlRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  const schema = buildGraphQLSchema(ctx.ops)

  app.post('/', async (c) => {
    parseQuery(searchOf(c), [], 'POST /api/graphql')
    const body = await readJsonObject(c.req.raw, ctx.options.maxBodyBytes)
    return run(ctx, c, schema, toRequest(body.query, body.variables, body.operationName), false)
  })

  app.get('/', async (c) => {
    const { params } = parseQuery(
      searchOf(c),
      ['query', 'variables', 'operationName', 'extensions'],
      'GET /api/graphql',
    )
    let variables: unknown
    if (params.has('variables')) {
      try {
        variables = JSON.parse(params.get('variables')!)
      } catch {
        throw new InputError('variables must be a JSON object.')
      }
    }
    return run(
      ctx,
      c,
      schema,
      toRequest(params.get('query'), variables, params.get('operationName')),
      true,
    )
  })

  return app
}

function toRequest(query: unknown, variables: unknown, operationName: unknown): GraphQLRequest {
  if (typeof query !== 'string' || query.trim() === '')
    throw new InputError(`Send a GraphQL document in 'query'.`)
  if (query.length > MAX_QUERY_LENGTH)
    throw new InputError(`The query is longer than ${MAX_QUERY_LENGTH} characters.`)
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    throw new InputError('variables must be a JSON object.')
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw new InputError('operationName must be a string.')
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  }
}

async function run(
  ctx: ServerContext,
  c: Context<ServerEnv>,
  schema: GraphQLSchema,
  req: GraphQLRequest,
  isGet: boolean,
): Promise<Response> {
  const lines = new LineIndex(req.query)
  const checked = checkDocument(schema, req.query, ctx.options.graphql)
  if (checked.errors)
    return sendPrivate(c, { errors: checked.errors.map((e) => format(e, ctx, lines, false)) }, 400)
  const document = checked.document
  const op = getOperationAST(document, req.operationName)
  if (!op)
    return sendPrivate(
      c,
      {
        errors: [
          {
            message:
              'Name the operation to run in operationName (the document has several, or none by that name).',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
      400,
    )
  if (isGet && op.operation !== 'query') {
    return sendPrivate(
      c,
      {
        errors: [
          {
            message: `Only queries may be sent with GET; send ${op.operation}s with POST.`,
            extensions: { code: 'METHOD_NOT_ALLOWED' },
          },
        ],
      },
      405,
      { Allow: 'POST' },
    )
  }
  if (op.operation === 'subscription' || op.kind !== Kind.OPERATION_DEFINITION) {
    return sendPrivate(
      c,
      {
        errors: [
          { message: 'Subscriptions are not supported.', extensions: { code: 'BAD_REQUEST' } },
        ],
      },
      400,
    )
  }
  const auth = c.get('auth')
  const result = await executeOperation(ctx, auth, {
    schema,
    document,
    operation: op.operation,
    variables: req.variables,
    operationName: req.operationName,
  })
  const errs = result.errors?.map((e) => format(e, ctx, lines, auth.via === 'anonymous'))
  // No data at all means the request itself was wrong (e.g. variables of the wrong type).
  if (result.data === undefined) return sendPrivate(c, { errors: errs ?? [] }, 400)
  return sendPrivate(c, errs?.length ? { data: result.data, errors: errs } : { data: result.data })
}

/** Longest error message sent: graphql-js quotes the whole value of a variable that does not coerce. */
const MAX_MESSAGE_LENGTH = 1000

function clip(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message
  const half = MAX_MESSAGE_LENGTH / 2
  return `${message.slice(0, half)} … (${message.length - MAX_MESSAGE_LENGTH} characters left out) … ${message.slice(-half)}`
}

/** A GraphQL error as callers see it: Galley errors keep their code; anything else is a generic INTERNAL. */
function format(
  err: GraphQLError,
  ctx: ServerContext,
  lines: LineIndex,
  anonymous: boolean,
): GraphQLFormattedError {
  const original = err.originalError
  const base = {
    locations: err.positions ? lines.locate(err.positions) : undefined,
    path: err.path,
  }
  if (!original || original instanceof GraphQLError) {
    return {
      message: clip(err.message),
      ...base,
      extensions: {
        code: (err.extensions?.code as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED',
      },
    }
  }
  // Safe to show: every 4xx, and a 5xx that says so (StoreBusyError: try again).
  if (original instanceof GalleyError && original.expose) {
    let code: string = original.code
    let message = original.message
    if (original.status === 403 && anonymous) {
      code = 'UNAUTHORIZED'
      message = `${message} Sign in, or send an API token as 'Authorization: Bearer <token>'.`
    }
    const extensions: Record<string, unknown> = { code }
    if (original instanceof ValidationError) extensions.fields = original.fields
    if (original instanceof ConflictError) extensions.currentRevision = original.currentRevision
    if (original instanceof StoreBusyError) extensions.retryAfter = original.retryAfter
    return { message, ...base, extensions }
  }
  // Errors coerced from variables carry no original; internal ones must not leak.
  ctx.options.logger.error('[galley] unexpected GraphQL error', original)
  return {
    message: 'Something went wrong on the server; the error was logged.',
    ...base,
    extensions: { code: 'INTERNAL' },
  }
}
