import { type RawBuilder, sql } from 'kysely'
import { type PathStep, type WhereCondition, type WhereNode, likeWords } from '@galley/core'
import type { SqlDialect } from './sql-dialect'

const COLUMN_SQL = {
  id: sql.ref('h.id'),
  createdAt: sql.ref('h.created_at'),
  updatedAt: sql.ref('h.updated_at'),
  status: sql.ref('h.status'),
} as const

/**
 * Compile a parsed where tree to SQL over the resolved rows (`h`). Every predicate is
 * two-valued (never NULL), so negative operators are a plain NOT of their positive twin,
 * exactly as `matchWhere` evaluates them in memory.
 */
export function compileWhere(node: WhereNode | undefined, d: SqlDialect): RawBuilder<unknown> {
  if (!node) return sql`1 = 1`
  if (node.type === 'and' || node.type === 'or') {
    const group = node as { type: 'and' | 'or'; children: WhereNode[] }
    if (group.children.length === 0) return sql`1 = 1`
    const parts = group.children.map((c) => sql`(${compileWhere(c, d)})`)
    return sql.join(parts, node.type === 'and' ? sql` AND ` : sql` OR `)
  }
  return compileCondition(node as WhereCondition, d)
}

function compileCondition(c: WhereCondition, d: SqlDialect): RawBuilder<unknown> {
  const positive = (op: WhereCondition['operator'], value: unknown) =>
    c.column ? predicate(COLUMN_SQL[c.column], op, value, c, d) : onPath(sql.ref('h.data'), c.steps, op, value, c, d, 0)
  switch (c.operator) {
    case 'exists':
      return c.value ? positive('exists', true) : sql`NOT (${positive('exists', true)})`
    case 'equals':
      return c.value === null ? sql`NOT (${positive('exists', true)})` : positive('equals', c.value)
    case 'not_equals':
      return c.value === null ? positive('exists', true) : sql`NOT (${positive('equals', c.value)})`
    case 'not_in':
      return sql`NOT (${positive('in', c.value)})`
    default:
      return positive(c.operator, c.value)
  }
}

/** Walk the path; each array step becomes an EXISTS over the array's elements. */
function onPath(base: RawBuilder<unknown>, steps: PathStep[], op: WhereCondition['operator'], value: unknown, c: WhereCondition, d: SqlDialect, depth: number): RawBuilder<unknown> {
  const eachAt = steps.findIndex((s) => 'each' in s)
  if (eachAt === -1) {
    const keys = steps.map((s) => (s as { key: string }).key)
    return predicate(d.extract(base, keys, c.kind), op, value, c, d)
  }
  const keys = steps.slice(0, eachAt).map((s) => (s as { key: string }).key)
  const alias = `e${depth}`
  const inner = onPath(d.elementValue(alias), steps.slice(eachAt + 1), op, value, c, d, depth + 1)
  return sql`EXISTS (SELECT 1 FROM ${d.arrayElements(base, keys, alias)} WHERE ${inner})`
}

function predicate(x: RawBuilder<unknown>, op: WhereCondition['operator'], value: unknown, c: WhereCondition, d: SqlDialect): RawBuilder<unknown> {
  const p = (v: unknown) => d.param(v, c.kind)
  switch (op) {
    case 'exists':
      return sql`${x} IS NOT NULL`
    case 'equals':
      return sql`(${x} IS NOT NULL AND ${x} = ${p(value)})`
    case 'in': {
      const list = value as unknown[]
      if (list.length === 0) return sql`1 = 0`
      return sql`(${x} IS NOT NULL AND ${x} IN (${sql.join(list.map(p))}))`
    }
    case 'gt':
      return sql`(${x} IS NOT NULL AND ${x} > ${p(value)})`
    case 'gte':
      return sql`(${x} IS NOT NULL AND ${x} >= ${p(value)})`
    case 'lt':
      return sql`(${x} IS NOT NULL AND ${x} < ${p(value)})`
    case 'lte':
      return sql`(${x} IS NOT NULL AND ${x} <= ${p(value)})`
    case 'contains':
      return sql`(${x} IS NOT NULL AND ${d.ilike(x, `%${escapeLike(String(value).toLowerCase())}%`)})`
    case 'like': {
      const words = likeWords(String(value)).map((w) => d.ilike(x, `%${escapeLike(w)}%`))
      return sql`(${x} IS NOT NULL AND ${sql.join(words, sql` AND `)})`
    }
    default:
      throw new Error(`unreachable operator ${op}`)
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`)
}
