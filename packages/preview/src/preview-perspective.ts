/**
 * The perspective draft mode hands to the client: a built-in name, or a stack of release ids
 * and names tried in order (`['spring', 'drafts', 'published']`).
 */
export type PreviewPerspective = 'published' | 'drafts' | 'raw' | readonly string[]

const BUILT_IN = new Set(['published', 'drafts', 'raw'])
const ENTRY = /^[A-Za-z0-9_-]{1,64}$/ // as @galley/core's release ids
const MAX_ENTRIES = 10

/**
 * Reads a perspective from a server answer, a query parameter or a cookie: a name, a
 * comma-separated stack, or an array. Returns `null` for anything malformed.
 *
 * @example
 * parsePreviewPerspective('spring,drafts') // ['spring', 'drafts']
 */
export function parsePreviewPerspective(input: unknown): PreviewPerspective | null {
  let parts: unknown[]
  if (typeof input === 'string') parts = input.split(',').map((s) => s.trim())
  else if (Array.isArray(input)) parts = input
  else return null
  if (parts.length === 0 || parts.length > MAX_ENTRIES) return null
  for (const part of parts) {
    if (typeof part !== 'string' || !ENTRY.test(part)) return null
  }
  const entries = parts as string[]
  if (entries.length === 1 && BUILT_IN.has(entries[0])) {
    return entries[0] as 'published' | 'drafts' | 'raw'
  }
  // `raw` lists every variant as its own row; it cannot be one layer of a stack.
  if (entries.includes('raw')) return null
  return Object.freeze([...entries])
}

/** The comma-separated form used in cookies and query strings. */
export function serializePreviewPerspective(perspective: PreviewPerspective): string {
  return typeof perspective === 'string' ? perspective : perspective.join(',')
}
