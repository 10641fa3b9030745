import { parsePerspective } from '@galley/perspectives'

/** A release id, as Galley's perspectives stack them: `[A-Za-z0-9_-]{1,64}`, not a name. */
export type ReleaseId = string & {}

/**
 * What a read resolves documents to: `published` (the default), `drafts` (draft over
 * published), `raw` (every variant as its own row), or a stack tried in order, as a
 * comma-joined string (`'spring,drafts'`) or a list (`['spring', 'drafts', 'published']`).
 */
export type ClientPerspective =
  'published' | 'drafts' | 'raw' | (string & {}) | readonly ('published' | 'drafts' | ReleaseId)[]

/**
 * Checks a perspective with the parser every Galley package shares (`@galley/perspectives`:
 * exact spellings only, nothing trimmed or case-folded) and returns its canonical spelling,
 * or throws a `TypeError` that says what to send.
 *
 * @example
 * validatePerspective(['spring', 'drafts']) // 'spring,drafts'
 * validatePerspective('draft') // TypeError: Invalid perspective "draft": … 'published', 'drafts', 'raw' …
 */
export function validatePerspective(perspective: unknown): ClientPerspective {
  const parsed = parsePerspective(perspective)
  if (!parsed.ok) throw new TypeError(parsed.message)
  return parsed.value.canonical
}

/** The query-string form: the canonical spelling. */
export function serializePerspective(perspective: ClientPerspective): string {
  return validatePerspective(perspective) as string
}

/** Whether a perspective reads only published content (and so may use the CDN). */
export function isPublishedPerspective(perspective: ClientPerspective): boolean {
  return serializePerspective(perspective) === 'published'
}
