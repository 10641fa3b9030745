import { foldText } from './fold-text'
import type { PathStep, WhereCondition, WhereNode } from './where-types'

/** The parts of a resolved document that where conditions look at. */
export interface MatchTarget {
  id: string
  createdAt: string
  updatedAt: string
  /** The document's status (`draft`, `published`, `changed`), as `_status` shows it. */
  status: string
  /**
   * The variant the content comes from (`published`, `draft`, `release:…`). `_status` is
   * matched against `matchStatus(status, variant)`; without it, against `status` as given,
   * which is the same for the content a drafts read resolves to (what writes check).
   */
  variant?: string
  data: Record<string, unknown>
}

/**
 * The status that `_status` in a where (and in an access rule) matches: that of the
 * returned content, not of the document. The published variant is `published`, also when
 * a newer draft exists (the document shows `changed`); any other variant (the draft, a
 * release) is `changed` when the document has published content and `draft` when it has
 * none. So `_status: { equals: 'published' }` admits every published document and never
 * unpublished content, in every perspective; in `drafts` it equals the status shown.
 * The SQL stores compile the same rule (`compileWhere`).
 */
export function matchStatus(status: string, variant: string | undefined): string {
  if (variant === undefined) return status
  if (variant === 'published') return 'published'
  return status === 'draft' ? 'draft' : 'changed'
}

/**
 * Evaluate a parsed where tree in memory, with exactly the semantics the SQL stores
 * implement: positive operators never match a missing value, negative operators
 * (`not_equals`, `not_in`) are the negation of their positive twin, and a path through
 * an array matches when any element does.
 */
export function matchWhere(node: WhereNode | undefined, doc: MatchTarget): boolean {
  if (!node) return true
  if (node.type === 'and') return node.children.every((c) => matchWhere(c, doc))
  if (node.type === 'or') return node.children.some((c) => matchWhere(c, doc))
  return matchCondition(node as WhereCondition, doc)
}

function matchCondition(c: WhereCondition, doc: MatchTarget): boolean {
  const values =
    c.column === 'status'
      ? [matchStatus(doc.status, doc.variant)]
      : c.column
        ? [doc[c.column]]
        : extract(doc.data, c.steps)
  const present = values.filter((v) => v !== null && v !== undefined)
  switch (c.operator) {
    case 'exists':
      return c.value ? present.length > 0 : present.length === 0
    case 'equals':
      return c.value === null ? present.length === 0 : present.some((v) => v === c.value)
    case 'not_equals':
      return c.value === null ? present.length > 0 : !present.some((v) => v === c.value)
    case 'in':
      return present.some((v) => (c.value as unknown[]).includes(v))
    case 'not_in':
      return !present.some((v) => (c.value as unknown[]).includes(v))
    case 'gt':
      return present.some((v) => compare(v, c.value) > 0)
    case 'gte':
      return present.some((v) => compare(v, c.value) >= 0)
    case 'lt':
      return present.some((v) => compare(v, c.value) < 0)
    case 'lte':
      return present.some((v) => compare(v, c.value) <= 0)
    case 'contains': {
      const needle = foldText(String(c.value))
      return present.some((v) => typeof v === 'string' && foldText(v).includes(needle))
    }
    case 'like': {
      const words = likeWords(String(c.value))
      return present.some(
        (v) => typeof v === 'string' && words.every((w) => foldText(v).includes(w)),
      )
    }
  }
}

/** `like` matches when every whitespace-separated word is contained, case-insensitively. */
export function likeWords(value: string): string[] {
  const words = foldText(value).split(/\s+/).filter(Boolean)
  return words.length ? words : ['']
}

function extract(data: unknown, steps: PathStep[]): unknown[] {
  let current: unknown[] = [data]
  for (const step of steps) {
    const next: unknown[] = []
    for (const v of current) {
      if ('each' in step) {
        if (Array.isArray(v)) next.push(...v)
      } else if (v && typeof v === 'object' && !Array.isArray(v)) {
        next.push((v as Record<string, unknown>)[step.key])
      }
    }
    current = next
  }
  // A relationship populated in place is compared by its id.
  return current.map((v) =>
    v && typeof v === 'object' && !Array.isArray(v) && 'id' in v ? (v as { id: unknown }).id : v,
  )
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  return NaN
}

/** Value at a plain (array-free) path, for sorting. */
export function valueAtPath(data: Record<string, unknown>, steps: PathStep[]): unknown {
  const values = extract(data, steps)
  return values[0]
}
