import { QueryError } from '../errors'
import { isUnstorableText } from '../fields/validate-fields'
import type { FieldPathInfo } from './field-paths'
import {
  WHERE_OPERATORS,
  type WhereCondition,
  type WhereNode,
  type WhereOperator,
} from './where-types'

/** Bounds that keep a hostile where tree from costing more than a normal one. */
export const WHERE_LIMITS = Object.freeze({
  depth: 8,
  conditions: 100,
  listValues: 500,
  valueLength: 2_000,
})

const OPS = new Set<string>(WHERE_OPERATORS)

/**
 * Check a where tree against a collection's paths and turn it into a typed tree.
 * Values from query strings are coerced by the field's kind (`'5'` → 5 for numbers).
 * Throws a `QueryError` that names the path and says what is wrong.
 */
export function parseWhere(
  where: unknown,
  paths: Map<string, FieldPathInfo>,
  collection: string,
): WhereNode | undefined {
  if (where === undefined || where === null) return undefined
  const state = { count: 0 }
  const node = parseGroup(where, 'and', paths, collection, 0, state, 'where')
  return node.children.length === 0 ? undefined : node
}

function parseGroup(
  where: unknown,
  type: 'and' | 'or',
  paths: Map<string, FieldPathInfo>,
  collection: string,
  depth: number,
  state: { count: number },
  at: string,
): { type: 'and' | 'or'; children: WhereNode[] } {
  if (depth > WHERE_LIMITS.depth) {
    throw new QueryError(
      `${at}: where is nested deeper than ${WHERE_LIMITS.depth} levels; flatten it.`,
    )
  }
  if (typeof where !== 'object' || where === null || Array.isArray(where)) {
    throw new QueryError(`${at}: expected an object like { "field": { "equals": "value" } }.`)
  }
  const children: WhereNode[] = []
  const entries = where as Record<string, unknown>
  for (const key of Object.keys(entries)) {
    const value = entries[key]
    if (key === 'and' || key === 'or') {
      const list = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null
      if (!list) throw new QueryError(`${at}.${key}: expected an array of where objects.`)
      if (list.length > WHERE_LIMITS.conditions) {
        throw new QueryError(
          `${at}.${key}: at most ${WHERE_LIMITS.conditions} branches are allowed.`,
        )
      }
      const group = {
        type: key,
        children: list.map((w, i) =>
          parseGroup(w, 'and', paths, collection, depth + 1, state, `${at}.${key}[${i}]`),
        ),
      } as const
      children.push({ type: group.type, children: [...group.children] })
      continue
    }
    const info = paths.get(key)
    if (!info) {
      const known = [...paths.keys()].slice(0, 20).join(', ')
      throw new QueryError(
        `${at}: '${key}' is not a field of '${collection}'. Known paths: ${known}.`,
      )
    }
    if (!isPlainObject(value)) {
      throw new QueryError(`${at}.${key}: expected an operator object like { "equals": … }.`)
    }
    for (const op of Object.keys(value)) {
      const raw = value[op]
      if (!OPS.has(op)) {
        throw new QueryError(
          `${at}.${key}: unknown operator '${op}'. Use one of: ${WHERE_OPERATORS.join(', ')}.`,
        )
      }
      if (++state.count > WHERE_LIMITS.conditions) {
        throw new QueryError(`where has more than ${WHERE_LIMITS.conditions} conditions.`)
      }
      children.push(parseCondition(info, op as WhereOperator, raw, `${at}.${key}.${op}`))
    }
  }
  return { type, children }
}

function parseCondition(
  info: FieldPathInfo,
  operator: WhereOperator,
  raw: unknown,
  at: string,
): WhereCondition {
  // One object literal per condition (a spread of a base object took V8's slow path).
  return {
    type: 'condition',
    path: info.path,
    steps: info.steps,
    kind: info.kind,
    operator,
    column: info.column,
    unique: !info.many && !!info.field.unique,
    value: conditionValue(info, operator, raw, at),
  }
}

function conditionValue(
  info: FieldPathInfo,
  operator: WhereOperator,
  raw: unknown,
  at: string,
): unknown {
  if (operator === 'exists') return coerceBoolean(raw, at)
  if (info.kind === 'json') {
    throw new QueryError(
      `${at}: '${info.path}' holds structured data; only 'exists' applies to it.`,
    )
  }
  if (operator === 'in' || operator === 'not_in') {
    const list = typeof raw === 'string' ? raw.split(',') : raw
    if (!Array.isArray(list)) throw new QueryError(`${at}: expected a list of values.`)
    if (list.length > WHERE_LIMITS.listValues) {
      throw new QueryError(`${at}: at most ${WHERE_LIMITS.listValues} values are allowed.`)
    }
    const values: unknown[] = []
    for (let i = 0; i < list.length; i++)
      values.push(coerceScalar(info, list[i], `${at}[${i}]`, false))
    return values
  }
  if (operator === 'like' || operator === 'contains') {
    if (info.kind !== 'text')
      throw new QueryError(`${at}: '${operator}' applies to text fields only.`)
    return coerceScalar(info, raw, at, false)
  }
  if (operator === 'gt' || operator === 'gte' || operator === 'lt' || operator === 'lte') {
    if (info.kind === 'boolean')
      throw new QueryError(`${at}: '${operator}' does not apply to checkboxes.`)
    return coerceScalar(info, raw, at, false)
  }
  return coerceScalar(info, raw, at, true)
}

function coerceScalar(info: FieldPathInfo, raw: unknown, at: string, allowNull: boolean): unknown {
  if (raw === null || raw === 'null') {
    if (allowNull) return null
    throw new QueryError(`${at}: null is only allowed with equals / not_equals.`)
  }
  switch (info.kind) {
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new QueryError(`${at}: '${info.path}' is a number field; got ${describe(raw)}.`)
      }
      return n
    }
    case 'boolean':
      return coerceBoolean(raw, at)
    default: {
      if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw)
      if (typeof raw !== 'string') {
        throw new QueryError(`${at}: '${info.path}' is a text field; got ${describe(raw)}.`)
      }
      if (isUnstorableText(raw)) {
        throw new QueryError(`${at}: the value contains a NUL character or broken Unicode.`)
      }
      if (raw.length > WHERE_LIMITS.valueLength) {
        throw new QueryError(`${at}: value is longer than ${WHERE_LIMITS.valueLength} characters.`)
      }
      return raw
    }
  }
}

function coerceBoolean(raw: unknown, at: string): boolean {
  if (raw === true || raw === 'true') return true
  if (raw === false || raw === 'false') return false
  throw new QueryError(`${at}: expected true or false; got ${describe(raw)}.`)
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'an object'
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Combine where nodes with AND, skipping empty ones. */
export function andNodes(...nodes: Array<WhereNode | undefined>): WhereNode | undefined {
  const list: WhereNode[] = []
  for (const n of nodes) if (n !== undefined) list.push(n)
  if (list.length === 0) return undefined
  if (list.length === 1) return list[0]
  return { type: 'and', children: list }
}
