import { QueryError } from '../errors'

/** Layers a document can have a variant in. */
export type Variant = 'published' | 'draft' | `release:${string}`

/**
 * How a read resolves documents: `published`, `drafts` (draft over published), `raw`
 * (every variant as its own row), or a stack of release ids over drafts/published.
 */
export type Perspective = 'published' | 'drafts' | 'raw' | (string & {}) | readonly string[]

/** A perspective turned into what storage needs. */
export type ResolvedPerspective =
  | { kind: 'published' }
  | { kind: 'drafts' }
  | { kind: 'raw' }
  | { kind: 'stack'; layers: Variant[] }

const RELEASE_ID = /^[A-Za-z0-9_-]{1,64}$/

export const PERSPECTIVE_NAMES = ['published', 'drafts', 'raw'] as const

/**
 * Parse a perspective; a comma-separated string is a stack (`'spring,drafts'`).
 * A stack always ends in `published`, so every document resolves to something.
 */
export function resolvePerspective(p: unknown, draft?: boolean): ResolvedPerspective {
  if (p === undefined || p === null || p === '') {
    return draft ? { kind: 'drafts' } : { kind: 'published' }
  }
  // One name, as a string or a list of one, before any splitting (reads ask on every call).
  const single =
    typeof p === 'string' ? p.trim() : Array.isArray(p) && p.length === 1 ? p[0] : undefined
  if (single === 'published') return { kind: 'published' }
  if (single === 'drafts') return { kind: 'drafts' }
  if (single === 'raw') return { kind: 'raw' }
  let list: unknown[]
  if (typeof p === 'string') list = p.split(',').map((s) => s.trim())
  else if (Array.isArray(p)) list = p
  else throw new QueryError(badPerspective(p))
  if (list.length === 0 || list.length > 10) throw new QueryError(badPerspective(p))
  const layers: Variant[] = []
  for (const item of list) {
    if (typeof item !== 'string') throw new QueryError(badPerspective(p))
    if (item === 'raw') throw new QueryError(`'raw' cannot be stacked with other layers.`)
    const add = (v: Variant) => {
      if (!layers.includes(v)) layers.push(v)
    }
    if (item === 'drafts') {
      add('draft')
      add('published')
    } else if (item === 'published') add('published')
    else if (RELEASE_ID.test(item)) add(`release:${item}`)
    else throw new QueryError(badPerspective(p))
  }
  if (!layers.includes('published')) layers.push('published')
  if (layers.length === 1) return { kind: 'published' }
  if (layers.length === 2 && layers[0] === 'draft') return { kind: 'drafts' }
  return { kind: 'stack', layers }
}

function badPerspective(p: unknown): string {
  return `Invalid perspective ${JSON.stringify(p)?.slice(0, 80)}: use 'published', 'drafts', 'raw', or a stack of release ids such as ['spring', 'drafts'].`
}

/** Whether reading with this perspective needs `readDrafts` permission. */
export function needsDraftAccess(p: ResolvedPerspective): boolean {
  return p.kind !== 'published'
}

/** A stable string form, for cache keys and logs. */
export function perspectiveKey(p: ResolvedPerspective): string {
  return p.kind === 'stack' ? p.layers.join(',') : p.kind
}
