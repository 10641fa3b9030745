import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql'

/**
 * Whether a document breaks a rule that measuring its size relies on: a definition that is
 * neither an operation nor a fragment, two fragments of one name, a spread of a fragment the
 * document does not define, or fragments that spread each other in a cycle. One pass over
 * the document (each fragment is walked once, spreads are not followed), so it is cheap to
 * run before anything else; graphql-js's rules then say what exactly is wrong.
 */
export function breaksFragmentRules(doc: DocumentNode): boolean {
  const spreadsOf = new Map<string, string[]>()
  const roots: string[] = []
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) collectSpreads(def.selectionSet, roots)
    else if (def.kind !== Kind.FRAGMENT_DEFINITION || spreadsOf.has(def.name.value)) return true
    else spreadsOf.set(def.name.value, collectSpreads(def.selectionSet, []))
  }
  if (roots.some((name) => !spreadsOf.has(name))) return true
  // Depth-first over the fragment graph: a fragment met again while it is open closes a cycle.
  const open = new Set<string>()
  const done = new Set<string>()
  const breaks = (name: string): boolean => {
    if (done.has(name)) return false
    const spreads = spreadsOf.get(name)
    if (!spreads || open.has(name)) return true
    open.add(name)
    for (const next of spreads) if (breaks(next)) return true
    open.delete(name)
    done.add(name)
    return false
  }
  for (const name of spreadsOf.keys()) if (breaks(name)) return true
  return false
}

/** The names of the fragments a selection set spreads, its fields' and inline fragments' included. */
function collectSpreads(set: SelectionSetNode, into: string[]): string[] {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FRAGMENT_SPREAD) into.push(sel.name.value)
    else if (sel.selectionSet) collectSpreads(sel.selectionSet, into)
  }
  return into
}
