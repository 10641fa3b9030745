import type { SanitizedCollection } from '../config/config-types'
import { QueryError } from '../errors'
import type { SortSpec } from '../storage/storage-adapter'

export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 10

/** Parse `sort` (`'-createdAt'`, `'title,-views'` or a list) against a collection's paths. */
export function parseSort(sort: unknown, collection: SanitizedCollection): SortSpec[] {
  if (sort === undefined || sort === null || sort === '')
    return [{ info: collection.paths.get('createdAt')!, direction: 'desc' }]
  const list = typeof sort === 'string' ? sort.split(',') : Array.isArray(sort) ? sort : null
  if (!list || list.length > 5)
    throw new QueryError(
      `sort must be a field name, '-field' for descending, or a list of up to 5.`,
    )
  return list.map((raw) => {
    if (typeof raw !== 'string') throw new QueryError('sort entries must be strings.')
    const s = raw.trim()
    const direction = s.startsWith('-') ? 'desc' : 'asc'
    const path = s.replace(/^[-+]/, '')
    const info = collection.paths.get(path)
    if (!info) throw new QueryError(`sort: '${path}' is not a field of '${collection.slug}'.`)
    if (info.many || info.kind === 'json')
      throw new QueryError(
        `sort: '${path}' holds a list or structured data and cannot be sorted on.`,
      )
    return { info, direction }
  })
}

/** Validate `limit` and `page` (numbers or numeric strings). */
export function parsePaging(limit: unknown, page: unknown): { limit: number; page: number } {
  const l = toInt(limit, 'limit', DEFAULT_LIMIT)
  const p = toInt(page, 'page', 1)
  if (l < 0 || l > MAX_LIMIT)
    throw new QueryError(`limit must be between 0 and ${MAX_LIMIT} (0 counts only).`)
  if (p < 1 || p > 1_000_000)
    throw new QueryError('page must be a whole number from 1 to 1,000,000.')
  return { limit: l, page: p }
}

/** Validate `depth` against the configured maximum. */
export function parseDepth(depth: unknown, fallback: number, max: number): number {
  const d = toInt(depth, 'depth', fallback)
  if (d < 0 || d > max) throw new QueryError(`depth must be between 0 and ${max}.`)
  return d
}

function toInt(v: unknown, name: string, fallback: number): number {
  if (v === undefined || v === null || v === '') return fallback
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new QueryError(`${name} must be a whole number; got ${JSON.stringify(v)?.slice(0, 40)}.`)
  return n
}
