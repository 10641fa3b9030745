import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql'

/** The limits a GraphQL document (all its operations together) must keep before it is validated in full or run. */
export interface QueryLimits {
  /** Deepest nesting of selection sets, fragments expanded. */
  maxDepth: number
  /** Fields selected in all, fragments expanded and aliases counted; fragment uses count the same. */
  maxFields: number
}

/** What a selection set asks for once its fragments are expanded. */
interface Measure {
  fields: number
  spreads: number
  depth: number
}

const NOTHING: Measure = { fields: 0, spreads: 0, depth: 0 }

/**
 * Refuse documents deeper than `maxDepth` or selecting more than `maxFields` fields in all
 * (fragments expanded, aliases counted), before anything runs: a small query must not be
 * able to ask for an exponential amount of work. The sizes are what expansion would give,
 * but nothing is expanded: each fragment is measured once and a spread costs what its
 * fragment costs, so the check is linear in the document. Unknown and cyclic fragments
 * measure nothing; validation refuses them (run it first).
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
    const m = measureSet(def.selectionSet)
    active.delete(name)
    measured.set(name, m)
    return m
  }

  // Sizes may pass 2^53 (they are only compared with the limits), so plain numbers suffice.
  const measureSet = (set: SelectionSetNode): Measure => {
    let fields = 0
    let spreads = 0
    let depth = 1
    for (const sel of set.selections) {
      let inner: Measure
      if (sel.kind === Kind.FIELD) {
        fields += 1
        inner = sel.selectionSet ? measureSet(sel.selectionSet) : NOTHING
        depth = Math.max(depth, 1 + inner.depth)
      } else {
        if (sel.kind === Kind.FRAGMENT_SPREAD) {
          spreads += 1
          inner = fragment(sel.name.value)
        } else inner = measureSet(sel.selectionSet)
        depth = Math.max(depth, inner.depth)
      }
      fields += inner.fields
      spreads += inner.spreads
    }
    return { fields, spreads, depth }
  }

  // Validation walks every operation, so the sizes of all of them count together.
  const total: Measure = { fields: 0, spreads: 0, depth: 0 }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue
    const m = measureSet(def.selectionSet)
    total.fields += m.fields
    total.spreads += m.spreads
    total.depth = Math.max(total.depth, m.depth)
  }
  const problem =
    total.depth > limits.maxDepth
      ? `The query is nested deeper than ${limits.maxDepth} levels.`
      : total.fields > limits.maxFields
        ? `The query selects more than ${limits.maxFields} fields (fragments counted each time they are used).`
        : total.spreads > limits.maxFields
          ? `The query uses fragments more than ${limits.maxFields} times (uses inside fragments included).`
          : null
  return problem ? new GraphQLError(problem, { extensions: { code: 'QUERY_TOO_COMPLEX' } }) : null
}
