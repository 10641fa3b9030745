import {
  type PathStep,
  type SharedCondition,
  type WhereCondition,
  type WhereNode,
  foldText,
  groupBranches,
  groupOr,
  likeWords,
  orBranchGuard,
  sharedBranch,
} from '@galley/core/storage'
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
  /**
   * The condition of the perspective's partial indexes (`h.collection = … AND h.variant =
   * 'published'`), on SQLite: repeated beside an indexed field's condition in an `or`,
   * where SQLite plans each branch alone and uses a partial index only when the branch
   * itself implies its condition (else the whole `or` reads the collection).
   */
  indexGuard?: string
  /**
   * Set when the filter tests text patterns (`like`, `contains`): no index answers them, so
   * every candidate row is tested, keyed or not (see `SqlDialect.rowDeadline`).
   */
  patterns?: boolean
  /** Conditions of the filter (leaves of the tree), counted as it is compiled. */
  conditions?: number
}

/**
 * `_status` in a where is the status of the returned content (see `matchStatus` in core):
 * `published` for the published variant, even when a newer draft exists; for any other
 * variant (draft, release) `draft` when the document was never published, else `changed`.
 * So a rule `_status equals 'published'` never lets unpublished content through, in any
 * perspective, and the drafts perspective filters by the status it shows.
 */
const STATUS_SQL =
  "(CASE WHEN h.variant = 'published' THEN 'published' WHEN h.status = 'draft' THEN 'draft' ELSE 'changed' END)"

const COLUMN_SQL = {
  id: 'h.id',
  createdAt: 'h.created_at',
  updatedAt: 'h.updated_at',
  status: STATUS_SQL,
} as const

/**
 * Compile a parsed where tree to SQL text over the resolved rows (`h`), pushing values to
 * `params`. Negative operators are a plain NOT of their positive twin, exactly as
 * `matchWhere` evaluates them in memory; the twin is then two-valued (`x IS NOT NULL AND
 * …`, so a missing value is false, never NULL, and its NOT true). A predicate no NOT sits
 * over goes without that guard: NULL and false both leave a row out of an `and` / `or`
 * tree, and the guard was a step per row that an index walk paid again for every entry
 * (a fifth of counting 200 matches). Built as text so the same query shape always gives
 * the same statement (cached by the driver).
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
    // Branches on one array are one EXISTS, on one value one read of it (groupOr in core):
    // in an `or` its positive conditions; in an `and` its negated ones under one NOT, and
    // its positive ones on a value with no array on the way.
    const type = node.type
    const parts: string[] = []
    for (const entry of groupBranches(group.children, type)) {
      if ('item' in entry) {
        const sql = compileWhere(entry.item, d, params, scope)
        // The cost model counts this level (orBranchGuard), so it is asked the same question.
        const guarded = scope.indexGuard && orBranchGuard(type, entry.item) > 0
        parts.push(guarded ? `(${scope.indexGuard} AND ${sql})` : `(${sql})`)
        continue
      }
      // Shared branches are never indexed, so never keyed: their content is read.
      scope.content = true
      if ('array' in entry) {
        const members = entry.members.map((m) => ({ ...sharedBranch(m.item, type)!, rest: m.rest }))
        const sql = existsAny('h.data', entry.array, members, d, params, 0)
        parts.push(members[0]!.negated ? `(NOT (${sql}))` : `(${sql})`)
        continue
      }
      const members = entry.members.map((m) => sharedBranch(m, type)!)
      // An `and`'s positive conditions on one value hold together; its negated ones are a
      // NOT of one of their twins holding, as an `or`'s conditions are one of them holding.
      const all = type === 'and' && !members[0]!.negated
      const x = d.extract('h.data', entry.value, members[0]!.c.kind)
      const sql = valueAny(x, members, d, params, 0, all ? ' AND ' : ' OR ')
      parts.push(members[0]!.negated ? `(NOT (${sql}))` : `(${sql})`)
    }
    return balanced(parts, type === 'and' ? ' AND ' : ' OR ')
  }
  const c = node as WhereCondition
  scope.conditions = (scope.conditions ?? 0) + 1
  if (c.operator === 'like' || c.operator === 'contains') scope.patterns = true
  switch (c.operator) {
    case 'exists':
      return c.value
        ? positive(c, 'exists', true, d, params, scope, false)
        : `NOT (${positive(c, 'exists', true, d, params, scope, true)})`
    case 'equals':
      return c.value === null
        ? `NOT (${positive(c, 'exists', true, d, params, scope, true)})`
        : positive(c, 'equals', c.value, d, params, scope, false)
    case 'not_equals':
      return c.value === null
        ? positive(c, 'exists', true, d, params, scope, false)
        : `NOT (${positive(c, 'equals', c.value, d, params, scope, true)})`
    case 'not_in':
      return `NOT (${positive(c, 'in', c.value, d, params, scope, true)})`
    default:
      return positive(c, c.operator, c.value, d, params, scope, false)
  }
}

/**
 * The positive form of a condition, two-valued when `negated` (a NOT sits over it). Module
 * functions rather than closures per condition: under tsx (esbuild keepNames) each closure
 * made per call costs an Object.defineProperty.
 */
function positive(
  c: WhereCondition,
  op: WhereCondition['operator'],
  value: unknown,
  d: SqlDialect,
  params: unknown[],
  scope: WhereScope,
  negated: boolean,
): string {
  // Columns are never NULL (the `_status` CASE neither).
  if (c.column) return predicate(COLUMN_SQL[c.column], op, value, c, d, params, false)
  let base = 'h.keys'
  if (!isKeyed(scope.keyed, c.steps)) {
    scope.content = true
    base = 'h.data'
  }
  return onPath(base, c.steps, op, value, c, d, params, 0, negated)
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
  negated: boolean,
): string {
  const eachAt = steps.findIndex((s) => 'each' in s)
  if (eachAt === -1)
    return predicate(d.extract(base, keysOf(steps), c.kind), op, value, c, d, params, negated)
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
    // Inside an EXISTS (two-valued itself) a NULL element value just does not match.
    false,
  )
  return `EXISTS (SELECT 1 FROM ${d.arrayElements(base, keysOf(steps.slice(0, eachAt)), alias)} WHERE ${inner})`
}

/** A condition tested inside an array, with its path after that array. */
interface Member extends SharedCondition {
  rest: PathStep[]
}

/** Some element of the array at `keys` of `base` meets one of the members' conditions. */
function existsAny(
  base: string,
  keys: string[],
  members: Member[],
  d: SqlDialect,
  params: unknown[],
  depth: number,
): string {
  const alias = `e${depth}`
  const value = d.elementValue(alias)
  const parts: string[] = []
  for (const entry of groupOr(members, (m) => ({ steps: m.rest }), true)) {
    if ('item' in entry) {
      const { c, op, value: v, rest } = entry.item
      parts.push(`(${onPath(value, rest, op, v, c, d, params, depth + 1, false)})`)
    } else if ('array' in entry) {
      const inner = entry.members.map((m) => ({ ...m.item, rest: m.rest }))
      parts.push(`(${existsAny(value, entry.array, inner, d, params, depth + 1)})`)
    } else {
      const x = d.extract(value, entry.value, entry.members[0]!.c.kind)
      parts.push(`(${valueAny(x, entry.members, d, params, depth + 1, ' OR ')})`)
    }
  }
  return `EXISTS (SELECT 1 FROM ${d.arrayElements(base, keys, alias)} WHERE ${balanced(parts, ' OR ')})`
}

/**
 * One of the conditions (`join` OR), or all of them (AND), hold for the value `x`, read
 * once: in a one-row subquery the planners keep apart (LIMIT stops SQLite's flattening and
 * push-down, PostgreSQL's pull-up; written once per condition, a content path was planned
 * and read once per condition). The words of `like`s and `contains` that the dialect folds
 * in SQL test one folded copy of it (see `SqlDialect.fold`).
 */
function valueAny(
  x: string,
  conditions: SharedCondition[],
  d: SqlDialect,
  params: unknown[],
  depth: number,
  join: ' AND ' | ' OR ',
): string {
  const alias = `v${depth}`
  let folded = false
  const parts: string[] = []
  for (const s of conditions) {
    const patterns = textPatterns(s)
    if (!patterns) {
      parts.push(`(${predicate(`${alias}.v`, s.op, s.value, s.c, d, params, false)})`)
      continue
    }
    const terms: string[] = []
    for (const pattern of patterns) {
      params.push(pattern)
      const fold = d.fold.applies(pattern)
      folded ||= fold
      terms.push(fold ? d.fold.like(`${alias}.f`) : plainLike(`${alias}.v`))
    }
    parts.push(`(${alias}.v IS NOT NULL AND (${balanced(terms, ' AND ')}))`)
  }
  const select = folded ? `${x} AS v, ${d.fold.value(x)} AS f` : `${x} AS v`
  return `EXISTS (SELECT 1 FROM (SELECT ${select} LIMIT 1) ${alias} WHERE ${balanced(parts, join)})`
}

/**
 * `expr` matches one `?` pattern (lower-cased by the caller) ignoring case: on the
 * dialect's folded copy where it folds for that pattern, else with its own LIKE.
 */
function likeOne(expr: string, pattern: string, d: SqlDialect): string {
  return d.fold.applies(pattern) ? d.fold.like(d.fold.value(expr)) : plainLike(expr)
}

function plainLike(expr: string): string {
  return `${expr} LIKE ? ESCAPE '\\'`
}

/** The LIKE patterns a `contains` (one) or a `like` (one per word, all to match) tests. */
function textPatterns(s: SharedCondition): string[] | undefined {
  if (s.op === 'contains') return [`%${escapeLike(foldText(String(s.value)))}%`]
  if (s.op === 'like') return likeWords(String(s.value)).map((w) => `%${escapeLike(w)}%`)
  return undefined
}

function predicate(
  x: string,
  op: WhereCondition['operator'],
  value: unknown,
  c: WhereCondition,
  d: SqlDialect,
  params: unknown[],
  negated: boolean,
): string {
  // What makes a comparison false rather than NULL for a missing value, where a NOT needs it.
  const guard = negated ? `${x} IS NOT NULL AND ` : ''
  switch (op) {
    case 'exists':
      return d.present(x)
    case 'equals':
      return `(${guard}${x} = ${bind(value, c, d, params)})`
    case 'in': {
      const list = value as unknown[]
      if (list.length === 0) return '1 = 0'
      return `(${guard}${x} IN (${list.map((v) => bind(v, c, d, params)).join(', ')}))`
    }
    case 'gt':
      return `(${guard}${ordered(x, c, d)} > ${bind(value, c, d, params)})`
    case 'gte':
      return `(${guard}${ordered(x, c, d)} >= ${bind(value, c, d, params)})`
    case 'lt':
      return `(${guard}${ordered(x, c, d)} < ${bind(value, c, d, params)})`
    case 'lte':
      return `(${guard}${ordered(x, c, d)} <= ${bind(value, c, d, params)})`
    case 'contains':
    case 'like': {
      const patterns = textPatterns({ c, op, value })!
      // Several words are matched against one read of the value (valueAny).
      if (patterns.length !== 1) return valueAny(x, [{ c, op, value }], d, params, 0, ' AND ')
      params.push(patterns[0]!)
      return `(${x} IS NOT NULL AND ${likeOne(x, patterns[0]!, d)})`
    }
    default:
      throw new Error(`unreachable operator ${op}`)
  }
}

/**
 * A text value as ranges compare it: byte by byte, as SQLite, sorting and matchWhere order
 * text (PostgreSQL compares in the database's collation otherwise, where under en_US
 * 'apple' < 'B'). Dates keep their expression: their one ISO format orders alike in every
 * collation, and a range over an indexed date can use its index.
 */
function ordered(x: string, c: WhereCondition, d: SqlDialect): string {
  return c.kind === 'text' && !c.date ? d.sortText(x) : x
}

/**
 * Join terms with AND or OR as a balanced tree: SQLite nests `a AND b AND c …` one level
 * per term and refuses expressions deeper than 1,000 levels, so n terms in halves stay
 * ceil(log2 n) levels deep (`WHERE_LIMITS.expressionDepth` in core counts them this way).
 * Up to two terms it is the plain join, the same text as before for everyday queries.
 */
function balanced(terms: string[], op: ' AND ' | ' OR '): string {
  if (terms.length <= 2) return terms.join(op)
  const mid = Math.ceil(terms.length / 2)
  return `(${balanced(terms.slice(0, mid), op)})${op}(${balanced(terms.slice(mid), op)})`
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`)
}
