import { likeWords } from './match-where'
import type { WhereCondition, WhereNode, WhereOperator } from './where-types'

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

/** `like` words of one condition (0 for other operators). */
export function conditionLikeWords(operator: WhereOperator, value: unknown): number {
  return operator === 'like' ? likeWords(String(value)).length : 0
}

/** Bound parameters of one condition: one per value, per `in` list entry, per `like` word. */
export function conditionParameters(operator: WhereOperator, value: unknown): number {
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
      return likeWords(String(value)).length
    default:
      return 1
  }
}

// A condition's own depth, at most: `NOT ((x IS NOT NULL AND x = ?))` with x a JSON
// extraction or the `_status` CASE is 7 levels (measured in SQLite: 4 to 7).
const CONDITION = 7

/**
 * SQLite's expression depth of a tree, in two parts. `height` is the depth of the
 * expression as written: a condition's own (`like` joins its words as a balanced tree,
 * ceil(log2 words) levels), one level per array on its path, ceil(log2 n) per `and` /
 * `or` of n terms. `nested` is what subqueries add: each array on a path is an
 * `EXISTS (SELECT … WHERE inner)`, and SQLite counts the whole enclosing expression again
 * while it resolves each nested one, so its depth is height + the deepest `nested`.
 */
export interface SqlDepth {
  height: number
  nested: number
}

/** Depth of one condition whose path crosses `arrays` arrays, an upper bound of SQLite's. */
export function conditionDepth(operator: WhereOperator, value: unknown, arrays: number): SqlDepth {
  let own = CONDITION
  let n = arrays
  if (operator === 'like') {
    const words = likeWords(String(value)).length
    // Two words or more are matched in a subquery of their own: one level more.
    if (words > 1) n++
    own += ceilLog2(words)
  }
  // The subquery at level i (from the innermost, 0) holds `own + i` levels.
  return { height: own + n, nested: n * own + (n * (n - 1)) / 2 }
}

/** Depth of an `and` / `or` of `children` terms, compiled as a balanced tree. */
export function groupDepth(children: number, deepest: SqlDepth): SqlDepth {
  return children === 0
    ? { height: 2, nested: 0 }
    : { height: ceilLog2(children) + deepest.height, nested: deepest.nested }
}

/** The cost of a parsed tree (the parser counts the same as it goes). */
export function whereCost(node: WhereNode | undefined): WhereCost {
  if (!node) return { parameters: 0, depth: 2 }
  const parameters = { n: 0 }
  const d = depthOf(node, parameters)
  return { parameters: parameters.n, depth: d.height + d.nested }
}

function depthOf(node: WhereNode, parameters: { n: number }): SqlDepth {
  if (node.type === 'and' || node.type === 'or') {
    const deepest = { height: 0, nested: 0 }
    for (const child of node.children) {
      const c = depthOf(child, parameters)
      deepest.height = Math.max(deepest.height, c.height)
      deepest.nested = Math.max(deepest.nested, c.nested)
    }
    return groupDepth(node.children.length, deepest)
  }
  const c = node as WhereCondition
  parameters.n += conditionParameters(c.operator, c.value)
  return conditionDepth(c.operator, c.value, arraySteps(c))
}

/** How many arrays (each an `EXISTS` subquery) a condition's path crosses. */
export function arraySteps(c: Pick<WhereCondition, 'steps'>): number {
  let n = 0
  for (const s of c.steps) if ('each' in s) n++
  return n
}

function ceilLog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n))
}
