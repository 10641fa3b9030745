import { likeWords } from './match-where'
import type { PathStep, WhereCondition, WhereNode, WhereOperator } from './where-types'

/**
 * What a where tree costs in the SQL the stores compile it to (`compileWhere` in
 * `@galley/sql`): bound parameters, and expression depth as SQLite counts it. The parser
 * holds every tree to `WHERE_LIMITS.parameters` and `WHERE_LIMITS.expressionDepth` with
 * these figures, so a query it accepts never fails in the database; the compiler's tests
 * check them against its output and against SQLite's own count.
 */
export interface WhereCost {
  parameters: number
  depth: number
}

/** `like` words of one condition; 0 for other operators. */
export function conditionWords(operator: WhereOperator, value: unknown): number {
  return operator === 'like' ? likeWords(String(value)).length : 0
}

/** Bound parameters of one condition: one per value, per `in` list entry, per `like` word. */
export function conditionParameters(
  operator: WhereOperator,
  value: unknown,
  words: number,
): number {
  switch (operator) {
    case 'exists':
      return 0
    case 'equals':
    case 'not_equals':
      return value === null ? 0 : 1
    case 'in':
    case 'not_in':
      return (value as unknown[]).length
    case 'like':
      return words
    default:
      return 1
  }
}

// A condition's own depth, at most: `NOT ((x IS NOT NULL AND x = ?))` with x a JSON
// extraction or the `_status` CASE is 7 levels (measured in SQLite: 4 to 7).
const CONDITION = 7
// A comparison of a field's value no NOT sits right over, `(x = ?)`, `(x IN (…))`, `(x > ?)`:
// 4 levels (measured). The compiler leaves out the guard that makes a comparison
// two-valued where nothing negates it, and inside an array's EXISTS.
const COMPARISON = 4

/*
 * SQLite's expression depth of a tree comes in two parts. The height is the depth of the
 * expression as written: a condition's own (`like` joins its words as a balanced tree,
 * ceil(log2 words) levels), one level per subquery on its way, ceil(log2 n) per `and` /
 * `or` of n terms. Each array on a path is an `EXISTS (SELECT … WHERE inner)`, and so is a
 * `like` of two words or more; SQLite counts the whole enclosing expression again while
 * it resolves each nested subquery, which adds the nested part: the tree's depth is its
 * height plus the largest nested part of any condition.
 */

/** What the compiled form of a condition depends on: see `conditionShape`. */
export interface ConditionShape {
  words: number
  arrays: number
  /** Depth of the innermost predicate (the comparison itself). */
  own: number
  /** A NOT over the EXISTS of an array path (a negated comparison). */
  not: number
}

const COMPARISONS = new Set<WhereOperator>(['equals', 'in', 'gt', 'gte', 'lt', 'lte'])

/** The shape of condition `c` as the compiler writes it; `words` from `conditionWords`. */
export function conditionShape(
  c: Pick<WhereCondition, 'operator' | 'value' | 'column' | 'steps'>,
  words: number,
): ConditionShape {
  const arrays = arraySteps(c.steps)
  const negative = c.operator === 'not_equals' || c.operator === 'not_in'
  const positive = negative ? (c.operator === 'not_equals' ? 'equals' : 'in') : c.operator
  // A comparison of a field's value with a value (not `equals null`, which is `exists`),
  // without its guard: positive, or inside an array's EXISTS with the NOT over that.
  const bare =
    COMPARISONS.has(positive) && c.value !== null && !c.column && (!negative || arrays > 0)
  return {
    words,
    arrays,
    own: (bare ? COMPARISON : CONDITION) + ceilLog2(words),
    not: bare && negative ? 1 : 0,
  }
}

/** Subqueries of one condition: one per array on its path, one for a `like` of 2+ words. */
function subqueries(words: number, arrays: number): number {
  return words > 1 ? arrays + 1 : arrays
}

/** Height of one condition (see above). */
export function conditionHeight(c: ConditionShape): number {
  return c.own + c.not + subqueries(c.words, c.arrays)
}

/** What nested subqueries add to one condition's depth: the one at level i holds own + i. */
export function conditionNested(c: ConditionShape): number {
  const n = subqueries(c.words, c.arrays)
  return n * c.own + (n * (n - 1)) / 2
}

/** Height of an `and` / `or` of `children` terms, compiled as a balanced tree. */
export function groupHeight(children: number, deepestChild: number): number {
  return children === 0 ? 2 : ceilLog2(children) + deepestChild
}

/** The cost of a parsed tree (the parser counts the same as it goes). */
export function whereCost(node: WhereNode | undefined): WhereCost {
  const sum = { parameters: 0, nested: 0 }
  const height = node ? heightOf(node, sum) : 2
  return { parameters: sum.parameters, depth: height + sum.nested }
}

function heightOf(node: WhereNode, sum: { parameters: number; nested: number }): number {
  if (node.type === 'and' || node.type === 'or') {
    let deepest = 0
    for (const child of node.children)
      deepest = Math.max(deepest, heightOf(child, sum) + orBranchGuard(node.type, child))
    const merged = groupMerging(node.children, node.type)
    sum.nested = Math.max(sum.nested, merged.nested)
    return groupHeight(node.children.length, deepest) + merged.height
  }
  const c = node as WhereCondition
  const words = conditionWords(c.operator, c.value)
  const shape = conditionShape(c, words)
  sum.parameters += conditionParameters(c.operator, c.value, words)
  sum.nested = Math.max(sum.nested, conditionNested(shape))
  return conditionHeight(shape)
}

/**
 * What the SQL compilers add above an `or` branch that reads an indexed field: on SQLite the
 * branch is ANDed with the perspective's condition (one level), which its partial indexes
 * (unique or not) are made with, so SQLite can answer the branch from them.
 */
export function orBranchGuard(group: 'and' | 'or', branch: WhereNode): number {
  return group === 'or' && readsIndexed(branch) ? 1 : 0
}

/** An indexed condition that every match of `node` must meet (through `and`s, never an `or`). */
function readsIndexed(node: WhereNode): boolean {
  if (node.type === 'condition') return (node as WhereCondition).indexed === true
  return node.type === 'and' && node.children.some(readsIndexed)
}

/** How many arrays (each an `EXISTS` subquery) a path crosses. */
export function arraySteps(steps: PathStep[]): number {
  let n = 0
  for (let i = 0; i < steps.length; i++) if ('each' in steps[i]!) n++
  return n
}

function ceilLog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n))
}

/*
 * Shared reads in an `and` / `or`. Each array on a path is read by an EXISTS over its
 * elements, which parses the document (or the element) again for every row: SQLite's
 * json_each keeps no parse between calls, PostgreSQL detoasts the content for each. A tree
 * that crosses arrays a hundred times costs a hundred parses of every candidate document
 * (1.5 s on 2,000 documents of 6 KB), so the parser bounds the scans
 * (`WHERE_LIMITS.arrayScans`).
 *
 * In an `or`, positive conditions on the same array are one scan: (∃e P) ∨ (∃e Q) is
 * ∃e (P ∨ Q), so the compiler writes one EXISTS with the branches' inner conditions ORed,
 * and groups those again by the next array on their paths. In an `and`, so are negated
 * conditions (`not_equals`, `not_in`, `exists: false`), under one NOT. Conditions on one
 * value (the same path, no array left) read it once, in a one-row subquery that tests
 * them together (in an `and`, positive ones only where no array is on the way): each
 * condition extracted the value again (3x the time of an or of 100 likes on SQLite), and
 * PostgreSQL's ILIKE lower-cased the text again for every pattern (7x). `groupOr` is that
 * grouping, shared by the compiler and the counts here.
 */

/** A condition read together with others: the condition, and what its group tests. */
export interface SharedCondition {
  c: WhereCondition
  /** The operator and value tested inside the group's EXISTS. */
  op: WhereOperator
  value: unknown
  /** In an `and`: a negated condition, grouped with others under one NOT. */
  negated?: boolean
}

/**
 * The condition a branch of an `and` / `or` is, when it may be read together with its
 * siblings: one condition on a path of the content, not an indexed field's (whose own
 * index answers it) nor a column; the parser wraps each branch in an `and`. In an `or`, a
 * positive one (an EXISTS over its arrays). In an `and`, a negated one, a NOT of its
 * positive twin, which the group tests (¬∃P ∧ ¬∃Q is ¬∃(P ∨ Q)), or a positive one on a
 * value no array is on the way to (its conditions ANDed on one read of it; over an array
 * ∃P ∧ ∃Q is not ∃(P ∧ Q)).
 */
export function sharedBranch(branch: WhereNode, group: 'and' | 'or'): SharedCondition | undefined {
  let node = branch
  while (node.type !== 'condition') {
    const children = (node as { children: WhereNode[] }).children
    if (children.length !== 1) return undefined
    node = children[0]!
  }
  const c = node as WhereCondition
  if (c.column || c.indexed) return undefined
  const { operator: op, value } = c
  const negated =
    op === 'not_in' ||
    (op === 'not_equals' && value !== null) ||
    (op === 'exists' && value === false) ||
    (op === 'equals' && value === null)
  const positive =
    op === 'not_equals' ? { c, op: 'exists' as const, value: true } : { c, op, value } // not_equals null
  if (group === 'and') {
    if (!negated) return arraySteps(c.steps) === 0 ? positive : undefined
    if (op === 'not_in') return { c, op: 'in', value, negated }
    if (op === 'not_equals') return { c, op: 'equals', value, negated }
    return { c, op: 'exists', value: true, negated }
  }
  return negated ? undefined : positive
}

/** One entry of `groupOr`. */
export type OrEntry<T> =
  /** An item read alone. */
  | { item: T }
  /** Items whose paths share their first array, at object keys `keys`; `rest`: after it. */
  | { array: string[]; members: Array<{ item: T; rest: PathStep[] }> }
  /** Items on the same value, at object keys `value` (no array on the way). */
  | { value: string[]; members: T[] }

/**
 * Group the terms of an OR (or an AND), in the order each group first appears. `shareOf`
 * gives an item's path and a tag (items of different tags never share a group), or
 * undefined for an item that cannot be read with others. Groups of one stay items, and so
 * do paths with no array unless `values` is set.
 */
export function groupOr<T>(
  items: readonly T[],
  shareOf: (item: T) => { steps: PathStep[]; tag?: string } | undefined,
  values: boolean,
): OrEntry<T>[] {
  // Every where is parsed and compiled through here: one term shares with nothing.
  if (items.length < 2) return items.map((item) => ({ item }))
  const entries: OrEntry<T>[] = []
  const groups = new Map<string, { at: number; keys: string[]; members: unknown[] }>()
  for (const item of items) {
    const share = shareOf(item)
    const steps = share?.steps
    const at = steps ? steps.findIndex((s) => 'each' in s) : -1
    if (!steps || (at === -1 && !values)) {
      entries.push({ item })
      continue
    }
    const keys = (at === -1 ? steps : steps.slice(0, at)).map((s) => (s as { key: string }).key)
    const id = `${at === -1 ? 'v' : 'a'}${share.tag ?? ''}${JSON.stringify(keys)}`
    const member = at === -1 ? item : { item, rest: steps.slice(at + 1) }
    const group = groups.get(id)
    if (group) {
      group.members.push(member)
      continue
    }
    groups.set(id, { at: entries.length, keys, members: [member] })
    entries.push({ item }) // replaced below when a second member joins
  }
  for (const [id, g] of groups) {
    if (g.members.length < 2) continue
    entries[g.at] =
      id[0] === 'v'
        ? { value: g.keys, members: g.members as T[] }
        : { array: g.keys, members: g.members as Array<{ item: T; rest: PathStep[] }> }
  }
  return entries
}

/** The branches of an `and` / `or` as the compiler groups them. */
export function groupBranches(
  branches: readonly WhereNode[],
  group: 'and' | 'or',
): OrEntry<WhereNode>[] {
  return groupOr(
    branches,
    (b) => {
      const shared = sharedBranch(b, group)
      return shared && { steps: shared.c.steps, tag: shared.negated ? 'not' : '' }
    },
    true,
  )
}

/** The array scans of a tree as the compiler writes it (see above). */
export function arrayScans(node: WhereNode | undefined): number {
  if (!node) return 0
  if (node.type === 'condition') return arraySteps((node as WhereCondition).steps)
  const children = (node as { children: WhereNode[] }).children
  let n = 0
  for (const entry of groupBranches(children, node.type as 'and' | 'or'))
    if ('item' in entry) n += arrayScans(entry.item)
    else if ('array' in entry) n += 1 + pathScans(entry.members.map((m) => m.rest))
  return n
}

/** Scans of an OR of positive conditions on these paths, inside the array they share. */
function pathScans(paths: PathStep[][]): number {
  let n = 0
  for (const entry of groupOr(paths, (steps) => ({ steps }), true))
    if ('item' in entry) n += arraySteps(entry.item)
    else if ('array' in entry) n += 1 + pathScans(entry.members.map((m) => m.rest))
  return n
}

/**
 * What grouping the branches of an `and` / `or` adds to the depth model, as an upper
 * bound: the OR of a group moves inside its EXISTS, with a value subquery inside that and,
 * in an `and`, a NOT over it (three levels more, at most, above the outer group's); inside
 * every subquery on a member's path, plus the value subquery, an OR of at most the group's
 * k members adds ceil(log2 k) levels to what SQLite counts again for it.
 */
export function groupMerging(
  branches: readonly WhereNode[],
  group: 'and' | 'or',
): { height: number; nested: number } {
  let height = 0
  let nested = 0
  for (const entry of groupBranches(branches, group)) {
    if ('item' in entry) continue
    height = group === 'and' ? 3 : 2
    const spread = ceilLog2(entry.members.length)
    for (const m of entry.members) {
      const { c, op, value } = sharedBranch('item' in m ? m.item : m, group)!
      const words = conditionWords(op, value)
      const shape = conditionShape({ ...c, operator: op, value }, words)
      const n = subqueries(words, shape.arrays) + 1
      nested = Math.max(nested, n * shape.own + (n * (n - 1)) / 2 + n * spread)
    }
  }
  return { height, nested }
}
