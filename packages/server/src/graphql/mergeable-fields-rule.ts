import {
  GraphQLError,
  Kind,
  print,
  type ASTVisitor,
  type FieldNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql'

/**
 * The spec's "field selection merging" rule (fields that share a response name must be the
 * same field with the same arguments, and their selections must merge) for schemas without
 * interfaces or unions, where every selection set of one response path has one parent type.
 * graphql-js's `OverlappingFieldsCanBeMergedRule` compares fields and fragments pairwise,
 * which grows with the square of the document; this one walks the expanded selections once,
 * so it must only run on documents that passed `checkQueryLimits` (which bounds expansion).
 */
export function MergeableFieldsRule(context: ValidationContext): ASTVisitor {
  const keys = new WeakMap<FieldNode, string>()
  const keyOf = (field: FieldNode): string => {
    let key = keys.get(field)
    if (key === undefined) {
      const args = (field.arguments ?? [])
        .map((a) => `${a.name.value}:${print(a.value)}`)
        .sort()
        .join(',')
      key = `${field.name.value}(${args})`
      keys.set(field, key)
    }
    return key
  }

  const collect = (
    set: SelectionSetNode,
    into: Map<string, FieldNode[]>,
    active: Set<string>,
  ): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.alias?.value ?? sel.name.value
        const list = into.get(name)
        if (list) list.push(sel)
        else into.set(name, [sel])
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        collect(sel.selectionSet, into, active)
      } else {
        const name = sel.name.value
        const def = context.getFragment(name)
        if (!def || active.has(name)) continue // unknown or cyclic: other rules report it
        active.add(name)
        collect(def.selectionSet, into, active)
        active.delete(name)
      }
    }
  }

  const check = (sets: readonly SelectionSetNode[]): void => {
    const byName = new Map<string, FieldNode[]>()
    for (const set of sets) collect(set, byName, new Set())
    for (const [responseName, fields] of byName) {
      const first = fields[0]!
      const conflict = fields.find((f) => keyOf(f) !== keyOf(first))
      if (conflict) {
        const why =
          conflict.name.value !== first.name.value
            ? `"${first.name.value}" and "${conflict.name.value}" are different fields`
            : 'they have differing arguments'
        context.reportError(
          new GraphQLError(
            `Fields "${responseName}" conflict because ${why}. Use different aliases on the fields to fetch both if this was intentional.`,
            { nodes: [first, conflict] },
          ),
        )
        continue
      }
      const children = fields.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []))
      if (children.length) check(children)
    }
  }

  return {
    OperationDefinition(node) {
      check([node.selectionSet])
      return false
    },
    FragmentDefinition() {
      return false
    },
  }
}
