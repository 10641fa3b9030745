import { QueryError } from '@galley/core'
import { isUnsafeText } from './unsafe-text'

/** Bounds of the bracket syntax, so a hostile query string stays cheap to read. */
export const QUERY_LIMITS = Object.freeze({
  params: 200,
  // Eight and/or levels (the where parser's depth: two brackets each), a field, an
  // operator and an index into an `in` list.
  segments: 20,
  index: 999,
  jsonLength: 20_000,
})

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const BRACKETS = /^([^[\]]+)((?:\[[^[\]]*\])+)$/

/** Query parameters of one request: plain ones by name, and the where tree if any. */
export interface ParsedQuery {
  params: Map<string, string>
  where?: Record<string, unknown>
}

/**
 * Read a query string: `where` as bracket syntax (`where[title][equals]=x`,
 * `where[or][0][title][like]=x`) or as JSON (`where={"title":{"equals":"x"}}`), and
 * the plain parameters in `allowed`. Anything else — an unknown or repeated parameter,
 * both where forms at once, a bracket tree that contradicts itself — is a `QueryError`.
 */
export function parseQuery(
  search: URLSearchParams,
  allowed: readonly string[],
  route: string,
): ParsedQuery {
  const params = new Map<string, string>()
  let jsonWhere: string | undefined
  let tree: Record<string, unknown> | undefined
  let count = 0
  for (const [key, value] of search) {
    if (++count > QUERY_LIMITS.params)
      throw new QueryError(`At most ${QUERY_LIMITS.params} query parameters are allowed.`)
    if (isUnsafeText(key) || isUnsafeText(value)) {
      const name = key.replace(/[^\x20-\x7e]/g, '?').slice(0, 60)
      throw new QueryError(
        `Query parameter '${name}' contains a NUL character or an unpaired UTF-16 surrogate.`,
      )
    }
    const m = BRACKETS.exec(key)
    if (m) {
      if (m[1] !== 'where' || !allowed.includes('where')) throw unknownParam(key, allowed, route)
      const segments = m[2]!.slice(1, -1).split('][')
      tree ??= Object.create(null) as Record<string, unknown>
      setPath(tree, segments, value, key)
      continue
    }
    if (!allowed.includes(key)) throw unknownParam(key, allowed, route)
    if (key === 'where') {
      if (jsonWhere !== undefined) throw new QueryError(`'where' is given twice; send it once.`)
      jsonWhere = value
      continue
    }
    if (params.has(key))
      throw new QueryError(
        `Query parameter '${key}' is given twice; send it once (a perspective stack is one comma-separated value).`,
      )
    params.set(key, value)
  }
  if (jsonWhere !== undefined && tree) {
    throw new QueryError(
      `Send where either as JSON (where={...}) or in bracket form (where[field][op]=...), not both.`,
    )
  }
  if (jsonWhere !== undefined) return { params, where: parseJsonWhere(jsonWhere) }
  return { params, where: tree ? (arraysFromIndexes(tree) as Record<string, unknown>) : undefined }
}

function unknownParam(key: string, allowed: readonly string[], route: string): QueryError {
  if (key === 'token' || key === 'access_token') return tokenInQuery()
  const list = allowed.length ? allowed.join(', ') : 'none'
  return new QueryError(
    `Unknown query parameter '${key.slice(0, 60)}' for ${route}. Allowed: ${list}.`,
  )
}

/** The error for credentials in a URL, where logs and Referer headers would keep them. */
export function tokenInQuery(): QueryError {
  return new QueryError(
    `API tokens are not accepted in the query string (it ends up in logs and Referer headers); send 'Authorization: Bearer <token>' instead.`,
  )
}

function parseJsonWhere(text: string): Record<string, unknown> {
  if (text.length > QUERY_LIMITS.jsonLength)
    throw new QueryError(`where is longer than ${QUERY_LIMITS.jsonLength} characters.`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new QueryError(
      `where is not valid JSON; send where={"field":{"equals":"value"}} or use where[field][equals]=value.`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueryError(`where must be a JSON object like {"title":{"equals":"Hello"}}.`)
  }
  return value as Record<string, unknown>
}

function setPath(
  tree: Record<string, unknown>,
  segments: string[],
  value: string,
  key: string,
): void {
  if (segments.length > QUERY_LIMITS.segments)
    throw new QueryError(
      `'${key.slice(0, 80)}' is nested deeper than ${QUERY_LIMITS.segments} levels.`,
    )
  let node = tree
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    if (seg === '')
      throw new QueryError(
        `'${key.slice(0, 80)}': empty brackets are not allowed; use an index like [0].`,
      )
    if (FORBIDDEN_KEYS.has(seg))
      throw new QueryError(`'${key.slice(0, 80)}': '${seg}' is not allowed as a key.`)
    // The branches of an and/or are a list: [0], [1], … (found by review: [a], [-1] and
    // [01] were taken as branches too).
    const previous = i > 0 ? segments[i - 1] : undefined
    if ((previous === 'and' || previous === 'or') && !/^(0|[1-9]\d*)$/.test(seg))
      throw new QueryError(
        `'${key.slice(0, 80)}': the branches of ${previous} are numbered [0], [1], …; got [${seg.slice(0, 20)}].`,
      )
    if (/^\d+$/.test(seg) && Number(seg) > QUERY_LIMITS.index)
      throw new QueryError(
        `'${key.slice(0, 80)}': index ${seg} is larger than ${QUERY_LIMITS.index}.`,
      )
    const last = i === segments.length - 1
    const existing = node[seg]
    if (last) {
      if (existing !== undefined)
        throw new QueryError(
          `'where${segments.map((s) => `[${s}]`).join('')}' is given twice or contradicts another where parameter.`,
        )
      // A query string has no null: `where[x][equals]=null` means null there (and only
      // there: in the JSON form and GraphQL, "null" is text).
      node[seg] = value === 'null' ? null : value
      return
    }
    if (existing === undefined) {
      const child = Object.create(null) as Record<string, unknown>
      node[seg] = child
      node = child
    } else if (typeof existing === 'object') {
      node = existing as Record<string, unknown>
    } else {
      throw new QueryError(
        `'${key.slice(0, 80)}' contradicts another where parameter that gives a value at the same place.`,
      )
    }
  }
}

/** `{ "0": a, "1": b }` (from `[0]`, `[1]`) becomes `[a, b]`, in index order. */
function arraysFromIndexes(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node
  const obj = node as Record<string, unknown>
  const keys = Object.keys(obj)
  for (const k of keys) obj[k] = arraysFromIndexes(obj[k])
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k])
  }
  return obj
}

/** `true`/`1` or `false`/`0`; anything else is a `QueryError` naming the parameter. */
export function booleanParam(params: Map<string, string>, name: string): boolean | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (v === 'true' || v === '1' || v === '') return true
  if (v === 'false' || v === '0') return false
  throw new QueryError(`'${name}' must be true or false; got ${JSON.stringify(v.slice(0, 40))}.`)
}

/** A whole-number parameter (range checks are the engine's); anything else is a `QueryError`. */
export function intParam(params: Map<string, string>, name: string): number | undefined {
  const v = params.get(name)
  if (v === undefined || v === '') return undefined
  if (!/^-?\d{1,9}$/.test(v.trim()))
    throw new QueryError(`'${name}' must be a whole number; got ${JSON.stringify(v.slice(0, 40))}.`)
  return Number(v)
}

/** The revision of an `If-Match` header (`<rev>`, `"<rev>"` or `W/"<rev>"`); `*` or absent means no check. */
export function ifMatchRevision(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null) return undefined
  const v = header.trim()
  if (v === '*') return undefined
  const m = /^(?:W\/)?"?([A-Za-z0-9_-]{1,64})"?$/.exec(v)
  if (!m)
    throw new QueryError(
      `If-Match must be one revision id (the document's _rev), optionally quoted; got ${JSON.stringify(v.slice(0, 80))}.`,
    )
  return m[1]
}
