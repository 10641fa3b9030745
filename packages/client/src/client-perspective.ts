/** A release id, as Galley's perspectives stack them: `[A-Za-z0-9_-]{1,64}`. */
export type ReleaseId = string & {}

/**
 * What a read resolves documents to: `published` (the default), `drafts` (draft over
 * published), `raw` (every variant as its own row), or a stack tried in order, e.g.
 * `['spring', 'drafts', 'published']`.
 */
export type ClientPerspective =
  'published' | 'drafts' | 'raw' | readonly ('published' | 'drafts' | ReleaseId)[]

const NAMES = ['published', 'drafts', 'raw'] as const
const RELEASE_ID = /^[A-Za-z0-9_-]{1,64}$/
const MAX_LAYERS = 10

/**
 * Checks a perspective and returns it, or throws a `TypeError` that names the valid values.
 *
 * @example
 * validatePerspective(['spring', 'drafts']) // ok
 * validatePerspective('draft') // TypeError: Invalid perspective "draft": use 'published', …
 */
export function validatePerspective(perspective: unknown): ClientPerspective {
  if (typeof perspective === 'string') {
    if ((NAMES as readonly string[]).includes(perspective)) return perspective as ClientPerspective
    const hint = perspective.includes(',')
      ? ` A stacked perspective is an array: ${JSON.stringify(perspective.split(',').map((s) => s.trim()))}.`
      : ''
    throw new TypeError(invalid(perspective) + hint)
  }
  if (Array.isArray(perspective)) {
    const ok =
      perspective.length > 0 &&
      perspective.length <= MAX_LAYERS &&
      perspective.every((p) => typeof p === 'string' && p !== 'raw' && RELEASE_ID.test(p))
    if (ok) return Object.freeze([...perspective]) as ClientPerspective
  }
  throw new TypeError(invalid(perspective))
}

/** The query-string form: the name, or the stack comma-separated. */
export function serializePerspective(perspective: ClientPerspective): string {
  return typeof perspective === 'string' ? perspective : perspective.join(',')
}

/** Whether a perspective reads only published content (and so may use the CDN). */
export function isPublishedPerspective(perspective: ClientPerspective): boolean {
  return serializePerspective(perspective) === 'published'
}

function invalid(value: unknown): string {
  return (
    `Invalid perspective ${JSON.stringify(value)?.slice(0, 80)}: use 'published', 'drafts', 'raw', ` +
    `or a non-empty array (at most ${MAX_LAYERS}) of release ids and 'drafts'/'published', ` +
    `e.g. ['spring', 'drafts', 'published'].`
  )
}
