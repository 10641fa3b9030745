import {
  ExecutableDefinitionsRule,
  GraphQLError,
  KnownFragmentNamesRule,
  Lexer,
  NoFragmentCyclesRule,
  OverlappingFieldsCanBeMergedRule,
  Source,
  TokenKind,
  UniqueFragmentNamesRule,
  isAbstractType,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql'
import { MergeableFieldsRule } from './mergeable-fields-rule'
import { checkQueryLimits, type QueryLimits } from './query-limits'

/** Lexical tokens a document may have: parsing stops at the next one. */
export const MAX_TOKENS = 10_000

/** Operations and fragments a document may define: validation visits each of them again per rule. */
export const MAX_DEFINITIONS = 100

/** Brackets (`{`, `(`, `[`) a document may nest: the parser recurses per level. */
export const MAX_NESTING = 64

/**
 * Count tokens and bracket nesting with graphql-js's own lexer (strings, block strings and
 * comments lexed as the parser would), before the recursive parser could overflow the stack
 * on a deeply nested document.
 */
function checkTokens(source: string): GraphQLError | null {
  const lexer = new Lexer(new Source(source))
  let depth = 0
  for (let tokens = 1; ; tokens++) {
    const token = lexer.advance()
    if (token.kind === TokenKind.EOF) return null
    if (tokens > MAX_TOKENS) return tooComplex(`The document has more than ${MAX_TOKENS} tokens.`)
    if (
      token.kind === TokenKind.BRACE_L ||
      token.kind === TokenKind.PAREN_L ||
      token.kind === TokenKind.BRACKET_L
    ) {
      if (++depth > MAX_NESTING)
        return tooComplex(`The document nests brackets deeper than ${MAX_NESTING} levels.`)
    } else if (
      token.kind === TokenKind.BRACE_R ||
      token.kind === TokenKind.PAREN_R ||
      token.kind === TokenKind.BRACKET_R
    )
      depth--
  }
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } })
}

/** Rules that make the limit check sound (every spread names one fragment; none is cyclic), all linear. */
const BEFORE_LIMITS: readonly ValidationRule[] = [
  ExecutableDefinitionsRule,
  UniqueFragmentNamesRule,
  KnownFragmentNamesRule,
  NoFragmentCyclesRule,
]

const rulesBySchema = new WeakMap<GraphQLSchema, readonly ValidationRule[]>()

/** The spec's rules after the limit check: the quadratic overlap rule replaced where the schema allows. */
function rulesAfterLimits(schema: GraphQLSchema): readonly ValidationRule[] {
  let rules = rulesBySchema.get(schema)
  if (!rules) {
    const abstract = Object.values(schema.getTypeMap()).some(isAbstractType)
    rules = specifiedRules.filter((r) => !BEFORE_LIMITS.includes(r))
    if (!abstract)
      rules = rules.map((r) => (r === OverlappingFieldsCanBeMergedRule ? MergeableFieldsRule : r))
    rulesBySchema.set(schema, rules)
  }
  return rules
}

/**
 * Parse and validate a GraphQL document so that refusing it stays cheap whatever it holds:
 * a lexer pass refuses more than `MAX_TOKENS` tokens or brackets nested deeper than
 * `MAX_NESTING` (a syntax error is the parser's to report), then more than `MAX_DEFINITIONS`
 * operations and fragments; unknown, duplicate and cyclic fragments are
 * refused next; then the limits are measured without expanding fragments; only a document
 * within them goes through the remaining validation rules, whose work the limits bound.
 * Returns the document, or the errors with `QUERY_TOO_COMPLEX` for a limit.
 */
export function checkDocument(
  schema: GraphQLSchema,
  source: string,
  limits: QueryLimits,
): { document: DocumentNode; errors?: undefined } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode
  try {
    const tooBig = checkTokens(source)
    if (tooBig) return { errors: [tooBig] }
    document = parse(source, { maxTokens: MAX_TOKENS })
  } catch (err) {
    if (err instanceof GraphQLError) return { errors: [err] }
    throw err
  }
  if (document.definitions.length > MAX_DEFINITIONS)
    return {
      errors: [
        tooComplex(
          `The document defines more than ${MAX_DEFINITIONS} operations and fragments; send only the operation to run and the fragments it uses.`,
        ),
      ],
    }
  const early = validate(schema, document, BEFORE_LIMITS, { maxErrors: 20 })
  if (early.length) return { errors: early }
  const overLimit = checkQueryLimits(document, limits)
  if (overLimit) return { errors: [overLimit] }
  const errors = validate(schema, document, rulesAfterLimits(schema), { maxErrors: 20 })
  return errors.length ? { errors } : { document }
}
