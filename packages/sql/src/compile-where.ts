import { type PathStep, type WhereCondition, type WhereNode, likeWords } from '@galley/core'
import { type KeyedFields, NO_KEYED_FIELDS, isKeyed, keysOf } from './keyed-fields'
import type { SqlDialect } from './sql-dialect'

/**
 * Where a condition reads document fields: keyed fields (indexed ones) from the head's
 * `keys`, so an index can serve them, the rest from the content (`h.data`). `content` is
 * set when the compiled filter reads the content.
 */
export interface WhereScope {
  keyed: KeyedFields
  content: boolean
}

const COLUMN_SQL = {
  id: 'h.id',
  createdAt: 'h.created_at',
  updatedAt: 'h.updated_at',
  status: 'h.status',
} as const

/**
 * Compile a parsed where tree to SQL text over the resolved rows (`h`), pushing values to
 * `params`. Every predicate is two-valued (never NULL), so negative operators are a plain
 * NOT of their positive twin, exactly as `matchWhere` evaluates them in memory. Built as
 * text so the same query shape always gives the same statement (cached by the driver).
 */
export function compileWhere(
  node: WhereNode | undefined,
  d: SqlDialect,
  params: unknown[],
  scope: WhereScope = { keyed: NO_KEYED_FIELDS, content: false },
): string {
  if (!node) return '1 = 1'
  if (node.type === 'and' || node.type === 'or') {
    const group = node as { type: 'and' | 'or'; children: WhereNode[] }
    if (group.children.length === 0) return '1 = 1'
    return group.children
      .map((c) => `(${compileWhere(c, d, params, scope)})`)
      .join(node.type === 'and' ? ' AND ' : ' OR ')
  }
  const c = node as WhereCondition
  switch (c.operator) {
    case 'exists':
      return c.value
        ? positive(c, 'exists', true, d, params, scope)
        : `NOT (${positive(c, 'exists', true, d, params, scope)})`
    case 'equals':
      return c.value === null
        ? `NOT (${positive(c, 'exists', true, d, params, scope)})`
        : positive(c, 'equals', c.value, d, params, scope)
    case 'not_equals':
      return c.value === null
        ? positive(c, 'exists', true, d, params, scope)
        : `NOT (${positive(c, 'equals', c.value, d, params, scope)})`
    case 'not_in':
      return `NOT (${positive(c, 'in', c.value, d, params, scope)})`
    default:
      return positive(c, c.operator, c.value, d, params, scope)
  }
}

/**
 * The positive form of a condition. Module functions rather than closures per condition:
 * under tsx (esbuild keepNames) each closure made per call costs an Object.defineProperty.
 */
function positive(
  c: WhereCondition,
  op: WhereCondition['operator'],
  value: unknown,
  d: SqlDialect,
  params: unknown[],
  scope: WhereScope,
): string {
  if (c.column) return predicate(COLUMN_SQL[c.column], op, value, c, d, params)
  let base = 'h.keys'
  if (!isKeyed(scope.keyed, c.steps)) {
    scope.content = true
    base = 'h.data'
  }
  return onPath(base, c.steps, op, value, c, d, params, 0)
}

function bind(value: unknown, c: WhereCondition, d: SqlDialect, params: unknown[]): string {
  params.push(d.param(value, c.kind))
  return '?'
}

/** Walk the path; each array step becomes an EXISTS over the array's elements. */
function onPath(
  base: string,
  steps: PathStep[],
  op: WhereCondition['operator'],
  value: unknown,
  c: WhereCondition,
  d: SqlDialect,
  params: unknown[],
  depth: number,
): string {
  const eachAt = steps.findIndex((s) => 'each' in s)
  if (eachAt === -1)
    return predicate(d.extract(base, keysOf(steps), c.kind), op, value, c, d, params)
  const alias = `e${depth}`
  const inner = onPath(
    d.elementValue(alias),
    steps.slice(eachAt + 1),
    op,
    value,
    c,
    d,
    params,
    depth + 1,
  )
  return `EXISTS (SELECT 1 FROM ${d.arrayElements(base, keysOf(steps.slice(0, eachAt)), alias)} WHERE ${inner})`
}

function predicate(
  x: string,
  op: WhereCondition['operator'],
  value: unknown,
  c: WhereCondition,
  d: SqlDialect,
  params: unknown[],
): string {
  switch (op) {
    case 'exists':
      return `${x} IS NOT NULL`
    case 'equals':
      return `(${x} IS NOT NULL AND ${x} = ${bind(value, c, d, params)})`
    case 'in': {
      const list = value as unknown[]
      if (list.length === 0) return '1 = 0'
      return `(${x} IS NOT NULL AND ${x} IN (${list.map((v) => bind(v, c, d, params)).join(', ')}))`
    }
    case 'gt':
      return `(${x} IS NOT NULL AND ${x} > ${bind(value, c, d, params)})`
    case 'gte':
      return `(${x} IS NOT NULL AND ${x} >= ${bind(value, c, d, params)})`
    case 'lt':
      return `(${x} IS NOT NULL AND ${x} < ${bind(value, c, d, params)})`
    case 'lte':
      return `(${x} IS NOT NULL AND ${x} <= ${bind(value, c, d, params)})`
    case 'contains':
      params.push(`%${escapeLike(String(value).toLowerCase())}%`)
      return `(${x} IS NOT NULL AND ${d.ilike(x)})`
    case 'like': {
      const words = likeWords(String(value)).map((w) => {
        params.push(`%${escapeLike(w)}%`)
        return d.ilike(x)
      })
      return `(${x} IS NOT NULL AND ${words.join(' AND ')})`
    }
    default:
      throw new Error(`unreachable operator ${op}`)
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`)
}
