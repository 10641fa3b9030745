import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql'

/**
 * Refuse documents deeper than `maxDepth` or selecting more than `maxFields` fields in
 * all (fragments expanded, aliases counted), before anything runs: a small query must not
 * be able to ask for an exponential amount of work.
 */
export function checkQueryLimits(
  doc: DocumentNode,
  limits: { maxDepth: number; maxFields: number },
): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const def of doc.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def)
  let fields = 0
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): string | null => {
    if (depth > limits.maxDepth) return `The query is nested deeper than ${limits.maxDepth} levels.`
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (++fields > limits.maxFields)
          return `The query selects more than ${limits.maxFields} fields.`
        if (sel.selectionSet) {
          const err = walk(sel.selectionSet, depth + 1, seen)
          if (err) return err
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const err = walk(sel.selectionSet, depth, seen)
        if (err) return err
      } else {
        const name = sel.name.value
        const frag = fragments.get(name)
        if (!frag || seen.has(name)) continue // unknown or cyclic: validation reports it
        const err = walk(frag.selectionSet, depth, new Set([...seen, name]))
        if (err) return err
      }
    }
    return null
  }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue
    const err = walk(def.selectionSet, 1, new Set())
    if (err) return new GraphQLError(err, { extensions: { code: 'QUERY_TOO_COMPLEX' } })
  }
  return null
}
