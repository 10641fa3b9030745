import {
  ExecutableDefinitionsRule,
  GraphQLError,
  Kind,
  KnownFragmentNamesRule,
  Lexer,
  NoFragmentCyclesRule,
  NoUndefinedVariablesRule,
  NoUnusedVariablesRule,
  OverlappingFieldsCanBeMergedRule,
  Source,
  TokenKind,
  TypeInfo,
  UniqueDirectivesPerLocationRule,
  UniqueFragmentNamesRule,
  ValidationContext,
  VariablesInAllowedPositionRule,
  isAbstractType,
  parse,
  specifiedRules,
  validate,
  visit,
  visitInParallel,
  type ASTNode,
  type ASTVisitFn,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql'
import { detachText } from './error-locations'
import { breaksFragmentRules } from './fragment-graph'
import { MergeableFieldsRule } from './mergeable-fields-rule'
import { checkQueryLimits, type QueryLimits } from './query-limits'

/**
 * Characters a name (field, alias, argument, fragment, variable, type) may have. graphql-js
 * compares an unknown name with every known one to suggest a spelling, in time that grows
 * with its length; no schema has names this long.
 */
export const MAX_NAME_LENGTH = 256

/** Lines a document may have: graphql-js scans lines to place a syntax error. */
export const MAX_LINES = 10_000

/** Operations and fragments a document may define: validation visits each of them again per rule. */
export const MAX_DEFINITIONS = 100

/** Brackets (`{`, `(`, `[`) a document may nest: the parser recurses per level. */
export const MAX_NESTING = 64

/** Validation errors reported before validation stops. */
export const MAX_ERRORS = 5

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } })
}

function countLines(source: string): number {
  let lines = 1
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i)
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lines++
  }
  return lines
}

/**
 * Count tokens and bracket nesting with graphql-js's own lexer (strings, block strings and
 * comments lexed as the parser would), before the recursive parser could overflow the stack
 * on a deeply nested document. Also says whether the document uses variables at all.
 */
function lex(source: Source, maxTokens: number): { error: GraphQLError } | { variables: boolean } {
  const lexer = new Lexer(source)
  let depth = 0
  let variables = false
  for (let tokens = 1; ; tokens++) {
    const token = lexer.advance()
    if (token.kind === TokenKind.EOF) return { variables }
    if (tokens > maxTokens)
      return {
        error: tooComplex(
          `The document has more than ${maxTokens} tokens; send only the operation to run and the fragments it uses, or raise graphql.maxTokens.`,
        ),
      }
    if (token.kind === TokenKind.NAME && token.end - token.start > MAX_NAME_LENGTH)
      return {
        error: tooComplex(`The document has a name longer than ${MAX_NAME_LENGTH} characters.`),
      }
    if (
      token.kind === TokenKind.BRACE_L ||
      token.kind === TokenKind.PAREN_L ||
      token.kind === TokenKind.BRACKET_L
    ) {
      if (++depth > MAX_NESTING)
        return {
          error: tooComplex(`The document nests brackets deeper than ${MAX_NESTING} levels.`),
        }
    } else if (
      token.kind === TokenKind.BRACE_R ||
      token.kind === TokenKind.PAREN_R ||
      token.kind === TokenKind.BRACKET_R
    )
      depth--
    else if (token.kind === TokenKind.DOLLAR) variables = true
  }
}

/** The rules that make measuring sound (every spread names one fragment; none is cyclic). */
const FRAGMENT_RULES: readonly ValidationRule[] = [
  ExecutableDefinitionsRule,
  UniqueFragmentNamesRule,
  KnownFragmentNamesRule,
  NoFragmentCyclesRule,
]

/** Rules that look only at an operation's variable definitions and its variables' uses. */
const VARIABLE_RULES: readonly ValidationRule[] = [
  NoUndefinedVariablesRule,
  NoUnusedVariablesRule,
  VariablesInAllowedPositionRule,
]

interface RuleSets {
  /** One pass over the document with type information: every rule that needs it. */
  typed: readonly ValidationRule[]
  /** graphql-js's overlap rule, when the schema has abstract types; else the linear one runs apart. */
  overlap: ValidationRule | null
}

const ruleSetsBySchema = new WeakMap<GraphQLSchema, RuleSets>()

/** The kinds of an executable document whose nodes carry directives. */
const DIRECTED_KINDS = [
  Kind.OPERATION_DEFINITION,
  Kind.VARIABLE_DEFINITION,
  Kind.FIELD,
  Kind.FRAGMENT_SPREAD,
  Kind.INLINE_FRAGMENT,
  Kind.FRAGMENT_DEFINITION,
] as const

/**
 * graphql-js's rule, entered only at nodes that can carry directives. It listens on every
 * node (names, types, values too), and a rule that does makes the parallel visitor loop
 * over all rules at every node: about a tenth of a refusal's cost. The typed pass only
 * meets executable documents (a type definition fails `ExecutableDefinitionsRule` first).
 */
const UniqueDirectivesOnExecutableNodes: ValidationRule = (context) => {
  const { enter } = UniqueDirectivesPerLocationRule(context) as { enter: ASTVisitFn<ASTNode> }
  return Object.fromEntries(DIRECTED_KINDS.map((kind) => [kind, enter])) as ASTVisitor
}

function ruleSets(schema: GraphQLSchema): RuleSets {
  let sets = ruleSetsBySchema.get(schema)
  if (!sets) {
    const abstract = Object.values(schema.getTypeMap()).some(isAbstractType)
    sets = {
      typed: specifiedRules
        .filter(
          (r) =>
            !FRAGMENT_RULES.includes(r) &&
            !VARIABLE_RULES.includes(r) &&
            (abstract || r !== OverlappingFieldsCanBeMergedRule),
        )
        .map((r) =>
          r === UniqueDirectivesPerLocationRule ? UniqueDirectivesOnExecutableNodes : r,
        ),
      overlap: abstract ? null : MergeableFieldsRule,
    }
    ruleSetsBySchema.set(schema, sets)
  }
  return sets
}

/**
 * Run rules that need no type information, as `validate` would (stopping after `MAX_ERRORS`
 * errors) but without tracking types; with `selections: false` only the operations' and
 * fragments' headers are visited, for rules that walk what they need themselves.
 */
function validateUntyped(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: readonly ValidationRule[],
  selections: boolean,
): GraphQLError[] {
  const errors: GraphQLError[] = []
  const abort = {}
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (error) => {
    if (errors.length >= MAX_ERRORS) {
      errors.push(
        new GraphQLError('Too many validation errors, error limit reached. Validation aborted.'),
      )
      throw abort
    }
    errors.push(error)
  })
  let visitor: ASTVisitor = visitInParallel(rules.map((rule) => rule(context)))
  if (!selections) visitor = { ...visitor, SelectionSet: () => false }
  try {
    visit(document, visitor)
  } catch (err) {
    if (err !== abort) throw err
  }
  return errors
}

/**
 * Parse and validate a GraphQL document so that refusing it stays cheap whatever it holds.
 * Cheapest first, each step bounded by the ones before it: more than `MAX_LINES` lines; a
 * lexer pass refuses more than `limits.maxTokens` tokens, names longer than
 * `MAX_NAME_LENGTH` or brackets nested deeper than `MAX_NESTING` (a syntax error is the
 * parser's to report); more than `MAX_DEFINITIONS`
 * operations and fragments; unknown, duplicate and cyclic fragments (found in one pass,
 * then reported by graphql-js's rules); the size limits, measured without expanding
 * fragments; then one typed pass of graphql-js's rules; and only a document that passed it
 * meets the rules that walk more than the document itself: fields sharing a response name
 * (through every fragment use), and variables (skipped when the document has none).
 * Returns the document, or the errors with `QUERY_TOO_COMPLEX` for a limit. Errors carry
 * `positions`; their `locations` are for `LineIndex` to compute (see `detachText`).
 */
export function checkDocument(
  schema: GraphQLSchema,
  text: string,
  limits: QueryLimits & { maxTokens: number },
): { document: DocumentNode; errors?: undefined } | { errors: readonly GraphQLError[] } {
  if (countLines(text) > MAX_LINES)
    return { errors: [tooComplex(`The document has more than ${MAX_LINES} lines.`)] }
  const source = new Source(text)
  let document: DocumentNode
  let variables: boolean
  try {
    const lexed = lex(source, limits.maxTokens)
    if ('error' in lexed) return { errors: [lexed.error] }
    variables = lexed.variables
    document = parse(source, { maxTokens: limits.maxTokens })
  } catch (err) {
    if (err instanceof GraphQLError) return { errors: [err] }
    throw err
  }
  detachText(source)
  if (document.definitions.length > MAX_DEFINITIONS)
    return {
      errors: [
        tooComplex(
          `The document defines more than ${MAX_DEFINITIONS} operations and fragments; send only the operation to run and the fragments it uses.`,
        ),
      ],
    }
  if (breaksFragmentRules(document)) {
    const errors = validateUntyped(schema, document, FRAGMENT_RULES, true)
    if (errors.length) return { errors }
  }
  const overLimit = checkQueryLimits(document, limits)
  if (overLimit) return { errors: [overLimit] }
  const { typed, overlap } = ruleSets(schema)
  let errors = validate(schema, document, typed, { maxErrors: MAX_ERRORS })
  if (!errors.length && overlap) errors = validateUntyped(schema, document, [overlap], false)
  if (!errors.length && variables) errors = validateUntyped(schema, document, VARIABLE_RULES, false)
  return errors.length ? { errors } : { document }
}
