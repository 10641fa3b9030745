import { parsePerspective } from '@galley/perspectives'

/**
 * The perspective draft mode hands to the client, in its one canonical spelling: `drafts`,
 * `published`, or a release stack such as `spring,drafts`. Never `raw`: a preview shows one
 * version of each document.
 */
export type PreviewPerspective = 'published' | 'drafts' | (string & {})

/**
 * Reads a perspective from a server answer or a cookie with the parser every Galley package
 * shares (`@galley/perspectives`): exact spellings only, nothing trimmed or case-folded, never
 * `raw`. Returns the canonical spelling, or `null` for anything else.
 *
 * @example
 * parsePreviewPerspective(['spring', 'drafts']) // 'spring,drafts'
 * parsePreviewPerspective(' drafts') // null
 */
export function parsePreviewPerspective(input: unknown): PreviewPerspective | null {
  const parsed = parsePerspective(input, { allowRaw: false })
  return parsed.ok ? parsed.value.canonical : null
}

/**
 * Why `input` is not a preview perspective, or null when it is one: the message says what
 * to send instead.
 */
export function previewPerspectiveProblem(input: unknown): string | null {
  const parsed = parsePerspective(input, { allowRaw: false })
  return parsed.ok ? null : parsed.message
}

/** The form used in cookies and query strings: the canonical spelling itself. */
export function serializePreviewPerspective(perspective: PreviewPerspective): string {
  return perspective
}
