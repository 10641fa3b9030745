import {
  GraphQLError,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql'

/** The limits a GraphQL document (all its operations together) must keep before it is validated in full or run. */
export interface QueryLimits {
  /** Deepest nesting of selection sets, fragments expanded. */
  maxDepth: number
  /**
   * Fields selected in all, fragments expanded and aliases counted. Fragment uses (named or
   * inline) and uses of variables are counted the same way, each against this limit.
   */
  maxFields: number
}

/** What a selection set asks for once its fragments are expanded. */
interface Measure {
  fields: number
  spreads: number
  variables: number
  depth: number
  /** Uses of `__schema` and of `__type` (see MAX_SCHEMA_FIELDS). */
  schemas: number
  types: number
}

const NOTHING: Measure = { fields: 0, spreads: 0, variables: 0, depth: 0, schemas: 0, types: 0 }

/**
 * Introspection per document. One `__schema` field answers a whole schema: a few hundred
 * fields of the query select hundreds of kilobytes (`types { fields { name } }`), about 100
 * ms of CPU each, so field counts do not bound it; eighty aliases of it from an anonymous
 * caller slowed every other request a hundredfold. Every introspection client (GraphiQL,
 * codegen) asks for the schema once; `__type` names one type, and a few of them suffice.
 */
export const MAX_SCHEMA_FIELDS = 1
export const MAX_TYPE_FIELDS = 20

/** Uses of variables in a value (inside lists and input objects too). */
function variablesIn(value: ValueNode): number {
  if (value.kind === Kind.VARIABLE) return 1
  let n = 0
  if (value.kind === Kind.LIST) for (const v of value.values) n += variablesIn(v)
  else if (value.kind === Kind.OBJECT) for (const f of value.fields) n += variablesIn(f.value)
  return n
}

function variablesOf(
  args: readonly { value: ValueNode }[] | undefined,
  directives: readonly DirectiveNode[] | undefined,
): number {
  let n = 0
  for (const a of args ?? []) n += variablesIn(a.value)
  for (const d of directives ?? []) n += variablesOf(d.arguments, undefined)
  return n
}

/**
 * Refuse documents deeper than `maxDepth`, or selecting more than `maxFields` fields in all
 * (fragments expanded, aliases counted), or using fragments or variables more often than
 * that, before anything runs: a small query must not be able to ask for an exponential
 * amount of work, and validation's rules for field merging and variables walk every use.
 * The sizes are what expansion would give, but nothing is expanded: each fragment is
 * measured once and a spread costs what its fragment costs, so the check is linear in the
 * document. Unknown and cyclic fragments measure nothing; refuse them first.
 */
export function checkQueryLimits(doc: DocumentNode, limits: QueryLimits): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const def of doc.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def)
  const measured = new Map<string, Measure>()
  const active = new Set<string>()

  const fragment = (name: string): Measure => {
    const known = measured.get(name)
    if (known) return known
    const def = fragments.get(name)
    if (!def || active.has(name)) return NOTHING
    active.add(name)
    const m = measureSet(def.selectionSet, isIntrospectionType(def.typeCondition.name.value))
    active.delete(name)
    measured.set(name, m)
    return m
  }

  // Sizes may pass 2^53 (they are only compared with the limits), so plain numbers suffice.
  // `introspective`: the set selects from an introspection type (`__Type`, `__Field`, …),
  // inside `__schema` / `__type` or in a fragment on such a type.
  const measureSet = (set: SelectionSetNode, introspective: boolean): Measure => {
    let fields = 0
    let spreads = 0
    let variables = 0
    let depth = 1
    let schemas = 0
    let types = 0
    for (const sel of set.selections) {
      let inner: Measure
      if (sel.kind === Kind.FIELD) {
        fields += 1
        if (sel.name.value === '__schema') schemas += 1
        else if (sel.name.value === '__type') types += 1
        variables += variablesOf(sel.arguments, sel.directives)
        const within = introspective || sel.name.value === '__schema' || sel.name.value === '__type'
        inner = sel.selectionSet ? measureSet(sel.selectionSet, within) : NOTHING
        // An introspection type's `ofType` is one type, never a list: a chain of them cannot
        // fan out, and graphql-js's own getIntrospectionQuery() nests seven to see wrapped
        // types, past maxDepth. So a level of `ofType` inside introspection adds no depth.
        // (Not elsewhere: a user type may have a field of that name.)
        const flat = introspective && sel.name.value === 'ofType'
        depth = Math.max(depth, (flat ? 0 : 1) + inner.depth)
      } else {
        // Inline fragments count as uses too: they add no field, but every copy is walked.
        spreads += 1
        variables += variablesOf(undefined, sel.directives)
        inner =
          sel.kind === Kind.FRAGMENT_SPREAD
            ? fragment(sel.name.value)
            : measureSet(
                sel.selectionSet,
                introspective || isIntrospectionType(sel.typeCondition?.name.value),
              )
        depth = Math.max(depth, inner.depth)
      }
      fields += inner.fields
      spreads += inner.spreads
      variables += inner.variables
      schemas += inner.schemas
      types += inner.types
    }
    return { fields, spreads, variables, depth, schemas, types }
  }

  // Validation walks every operation, so the sizes of all of them count together.
  const total: Measure = { ...NOTHING }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue
    const m = measureSet(def.selectionSet, false)
    total.fields += m.fields
    total.spreads += m.spreads
    total.variables += m.variables + variablesOf(undefined, def.directives)
    total.depth = Math.max(total.depth, m.depth)
    total.schemas += m.schemas
    total.types += m.types
  }
  const max = limits.maxFields
  const problem =
    total.depth > limits.maxDepth
      ? `The query is nested deeper than ${limits.maxDepth} levels.`
      : total.fields > max
        ? `The query selects more than ${max} fields (fragments counted each time they are used).`
        : total.spreads > max
          ? `The query uses fragments (named or inline) more than ${max} times (uses inside fragments included).`
          : total.variables > max
            ? `The query uses variables more than ${max} times (fragments counted each time they are used).`
            : total.schemas > MAX_SCHEMA_FIELDS
              ? 'The document asks for __schema more than once (aliases and fragments counted); ask for it once.'
              : total.types > MAX_TYPE_FIELDS
                ? `The document asks for __type more than ${MAX_TYPE_FIELDS} times (aliases and fragments counted); ask for __schema once instead.`
                : null
  return problem ? new GraphQLError(problem, { extensions: { code: 'QUERY_TOO_COMPLEX' } }) : null
}

/** GraphQL reserves names starting with `__` for introspection: no user type has one. */
function isIntrospectionType(name: string | undefined): boolean {
  return name !== undefined && name.startsWith('__')
}
