import { QueryError } from '../errors'
import { isUnstorableText } from '../fields/validate-fields'
import type { FieldPathInfo } from './field-paths'
import {
  arrayScans,
  arraySteps,
  conditionHeight,
  conditionNested,
  conditionParameters,
  conditionShape,
  conditionWords,
  groupHeight,
  groupMerging,
  orBranchGuard,
} from './where-cost'
import { storedDateOf } from './where-date'
import {
  WHERE_OPERATORS,
  type WhereCondition,
  type WhereGroup,
  type WhereNode,
  type WhereOperator,
} from './where-types'

/**
 * Bounds on a where tree. They keep a hostile tree from costing more than a normal one,
 * and they describe the SQL it compiles to, so that a tree the parser accepts always
 * runs on both stores. One statement joins at most three trees (the caller's `where`,
 * the `read` rule's and the `readDrafts` rule's) and adds a few parameters for paging:
 * 3 × 10,000 stays under SQLite's 32,766 bound parameters (PostgreSQL allows 65,535),
 * and a tree 250 levels deep stays far from SQLite's expression depth of 1,000 even
 * inside the store's subqueries. `like` words are few because each is a LIKE that the
 * database plans and evaluates on every row.
 */
export const WHERE_LIMITS = Object.freeze({
  /** Nesting of `and` / `or`. */
  depth: 8,
  /** Conditions in one tree, and branches of one `and` / `or`. */
  conditions: 100,
  /** Values of one `in` / `not_in` list. */
  listValues: 500,
  /** Characters of one value. */
  valueLength: 2_000,
  /** `like` words of one tree, in all. */
  likeWords: 200,
  /** Bound parameters of one tree: one per value, per `in` entry, per `like` word. */
  parameters: 10_000,
  /** SQL expression depth of one tree, as `whereCost` counts it. */
  expressionDepth: 250,
  /**
   * Reads of an array for each document, as `arrayScans` counts them: one per array on a
   * condition's path, with an `or`'s conditions on the same array (an `and`'s negated ones)
   * read once. Each is a parse of the document per row: this bounds a filter's work per row.
   */
  arrayScans: 24,
})

const OPS = new Set<string>(WHERE_OPERATORS)

/** The statuses `_status` can be matched against (see `matchStatus`). */
const STATUSES: readonly string[] = ['draft', 'published', 'changed']

/** What the parser counts while it walks one tree. */
interface ParseState {
  conditions: number
  parameters: number
  likeWords: number
  /** The deepest nested part of any condition so far (see where-cost). */
  nested: number
  /** The height of the group parseGroup returned last. */
  height: number
}

/**
 * Check a where tree against a collection's paths and turn it into a typed tree.
 * Values from query strings are coerced by the field's kind (`'5'` → 5 for numbers),
 * dates are read as ISO 8601 and normalised to the stored form.
 * Throws a `QueryError` that names the path and says what is wrong, also when the tree
 * is past one of `WHERE_LIMITS`.
 */
export function parseWhere(
  where: unknown,
  paths: Map<string, FieldPathInfo>,
  collection: string,
): WhereNode | undefined {
  if (where === undefined || where === null) return undefined
  const state: ParseState = { conditions: 0, parameters: 0, likeWords: 0, nested: 0, height: 0 }
  const node = parseGroup(where, 'and', paths, collection, 0, state, 'where')
  const scans = arrayScans(node)
  if (scans > WHERE_LIMITS.arrayScans) {
    throw new QueryError(
      `where: this filter reads arrays ${scans} times for each document, more than ` +
        `${WHERE_LIMITS.arrayScans} (WHERE_LIMITS.arrayScans), through ${arrayPathList(node)}. ` +
        `Conditions on one array under one 'or' read it once (so do negated ones under one ` +
        `'and'); use 'in' for a list of values, or fewer array paths.`,
    )
  }
  return node.children.length === 0 ? undefined : node
}

/**
 * The paths of a tree's conditions that go through arrays, most conditions first, with how
 * many conditions each has: for the error of a tree that reads arrays too often.
 */
function arrayPathList(node: WhereNode): string {
  const counts = new Map<string, number>()
  const visit = (n: WhereNode): void => {
    if (n.type === 'condition') {
      const c = n as WhereCondition
      if (arraySteps(c.steps) > 0) counts.set(c.path, (counts.get(c.path) ?? 0) + 1)
    } else for (const child of (n as WhereGroup).children) visit(child)
  }
  visit(node)
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  const named = sorted
    .slice(0, 5)
    .map(([path, n]) => `'${path}' (${n} condition${n === 1 ? '' : 's'})`)
  const more = sorted.length - named.length
  return named.join(', ') + (more > 0 ? ` and ${more} more path${more === 1 ? '' : 's'}` : '')
}

function parseGroup(
  where: unknown,
  type: 'and' | 'or',
  paths: Map<string, FieldPathInfo>,
  collection: string,
  depth: number,
  state: ParseState,
  at: string,
): WhereGroup {
  if (depth > WHERE_LIMITS.depth) {
    throw new QueryError(
      `${at}: where is nested deeper than ${WHERE_LIMITS.depth} levels; flatten it.`,
    )
  }
  if (typeof where !== 'object' || where === null || Array.isArray(where)) {
    throw new QueryError(`${at}: expected an object like { "field": { "equals": "value" } }.`)
  }
  const children: WhereNode[] = []
  // The SQL height of the highest child, for this group's own (see where-cost).
  let highest = 0
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
      const branches: WhereNode[] = []
      let branchHeight = 0
      for (let i = 0; i < list.length; i++) {
        const at_i = `${at}.${key}[${i}]`
        const branch = parseGroup(list[i], 'and', paths, collection, depth + 1, state, at_i)
        branches.push(branch)
        const h = state.height + orBranchGuard(key, branch)
        if (h > branchHeight) branchHeight = h
      }
      children.push({ type: key, children: branches })
      const h = checkDepth(
        groupHeight(branches.length, branchHeight) + merging(branches, key, state),
        state,
        `${at}.${key}`,
      )
      if (h > highest) highest = h
      continue
    }
    const info = paths.get(key)
    if (!info) {
      const known = [...paths.keys()].slice(0, 20).join(', ')
      throw new QueryError(
        `${at}: '${cut(key)}' is not a field of '${collection}'. Known paths: ${known}.`,
      )
    }
    if (!isPlainObject(value)) {
      throw new QueryError(`${at}.${key}: expected an operator object like { "equals": … }.`)
    }
    for (const op of Object.keys(value)) {
      const raw = value[op]
      if (!OPS.has(op)) {
        throw new QueryError(
          `${at}.${key}: unknown operator '${cut(op)}'. Use one of: ${WHERE_OPERATORS.join(', ')}.`,
        )
      }
      if (++state.conditions > WHERE_LIMITS.conditions) {
        throw new QueryError(`where has more than ${WHERE_LIMITS.conditions} conditions.`)
      }
      const c = parseCondition(info, op as WhereOperator, raw, `${at}.${key}.${op}`)
      children.push(c)
      const h = countCondition(c, state, `${at}.${key}.${op}`)
      if (h > highest) highest = h
    }
  }
  const height = groupHeight(children.length, highest) + merging(children, type, state)
  state.height = checkDepth(height, state, at)
  return { type, children }
}

/** What grouping `branches` adds to the height (see groupMerging), counting its nested part. */
function merging(branches: WhereNode[], type: 'and' | 'or', state: ParseState): number {
  const merged = groupMerging(branches, type)
  if (merged.nested > state.nested) state.nested = merged.nested
  return merged.height
}

/** Add one condition to the counts, checking the limits; its SQL height. */
function countCondition(c: WhereCondition, state: ParseState, at: string): number {
  const words = conditionWords(c.operator, c.value)
  if (words > 0 && (state.likeWords += words) > WHERE_LIMITS.likeWords) {
    throw new QueryError(
      `${at}: the where has more than ${WHERE_LIMITS.likeWords} 'like' words in all ` +
        `(WHERE_LIMITS.likeWords); search for fewer words.`,
    )
  }
  state.parameters += conditionParameters(c.operator, c.value, words)
  if (state.parameters > WHERE_LIMITS.parameters) {
    throw new QueryError(
      `${at}: the where binds more than ${WHERE_LIMITS.parameters} values in all ` +
        `(WHERE_LIMITS.parameters: one per value, per 'in' entry, per 'like' word); use fewer.`,
    )
  }
  const shape = conditionShape(c, words)
  const nested = conditionNested(shape)
  if (nested > state.nested) state.nested = nested
  return checkDepth(conditionHeight(shape), state, at)
}

/** `height` when it and the deepest nested part so far are within the depth limit. */
function checkDepth(height: number, state: ParseState, at: string): number {
  const total = height + state.nested
  if (total > WHERE_LIMITS.expressionDepth) {
    throw new QueryError(
      `${at}: this compiles to SQL ${total} levels deep, more than ` +
        `${WHERE_LIMITS.expressionDepth} (WHERE_LIMITS.expressionDepth); ` +
        `use fewer 'like' words, fewer branches or a path through fewer arrays.`,
    )
  }
  return height
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
    indexed: !info.column && !info.many && !!(info.field.unique || info.field.index),
    date: info.field.type === 'date',
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
      values.push(coerceScalar(info, list[i], `${at}[${i}]`, false, true))
    return values
  }
  if (operator === 'like' || operator === 'contains') {
    if (info.kind !== 'text')
      throw new QueryError(`${at}: '${operator}' applies to text fields only.`)
    // Text search on a date reads the stored text ('2026-01' contains a month).
    return coerceScalar(info, raw, at, false, false)
  }
  if (operator === 'gt' || operator === 'gte' || operator === 'lt' || operator === 'lte') {
    if (info.kind === 'boolean')
      throw new QueryError(`${at}: '${operator}' does not apply to checkboxes.`)
    return coerceScalar(info, raw, at, false, true)
  }
  return coerceScalar(info, raw, at, true, true)
}

/**
 * One value for `info`. `exact` is set for comparisons (equality, order, lists), where a
 * date must be a date and `_status` one of the statuses; `like` / `contains` take text.
 */
function coerceScalar(
  info: FieldPathInfo,
  raw: unknown,
  at: string,
  allowNull: boolean,
  exact: boolean,
): unknown {
  // Only null itself: the text "null" is text (the bracket form of a query string, which
  // has no null, reads `=null` as null before it gets here).
  if (raw === null) {
    if (allowNull) return null
    throw new QueryError(`${at}: null is only allowed with equals / not_equals.`)
  }
  switch (info.kind) {
    case 'number': {
      // Decimal text only, as JSON writes numbers: Number() also reads '0x10' as 16, '0b1',
      // '0o7', ' 12 ' and 'Infinity'.
      const n = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new QueryError(
          `${at}: '${info.path}' is a number field; expected a decimal number such as 42, -1.5 or 2e3; got ${describe(raw)}.`,
        )
      }
      return n
    }
    case 'boolean':
      return coerceBoolean(raw, at)
    default: {
      if (exact && info.field.type === 'date') return coerceDate(info, raw, at)
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
      if (exact && info.column === 'status' && !STATUSES.includes(raw)) {
        throw new QueryError(
          `${at}: '_status' is one of ${STATUSES.join(', ')}; got ${describe(raw)}.`,
        )
      }
      return raw
    }
  }
}

/** A number as JSON writes it (a leading + allowed, as query strings often carry one). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** A date value as stored (`2026-01-31T12:00:00.000Z`), from ISO 8601 text or a `Date`. */
function coerceDate(info: FieldPathInfo, raw: unknown, at: string): string {
  const iso = storedDateOf(raw)
  if (iso !== undefined) return iso
  throw new QueryError(
    `${at}: '${info.path}' is a date; expected an ISO 8601 date such as 2026-01-31 or ` +
      `2026-01-31T12:00:00Z (years 0000–9999); got ${describe(raw)}.`,
  )
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
  // JSON has no Infinity or NaN (`1e400` parses to Infinity; JSON.stringify says null).
  if (typeof v === 'number' && !Number.isFinite(v)) return `the number ${v}, beyond what JSON holds`
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

/** A name from the request as an error quotes it: at most 80 characters (a key may be 100 KB). */
function cut(name: string): string {
  return name.length > 80 ? `${name.slice(0, 77)}…` : name
}
