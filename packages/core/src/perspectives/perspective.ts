import { parsePerspective, type ResolvedPerspective } from '@galley/perspectives'
import { QueryError } from '../errors'

export {
  canonicalPerspective,
  isReleaseId,
  needsDraftAccess,
  PERSPECTIVE_NAMES,
  perspectiveKey,
} from '@galley/perspectives'
export type { ResolvedPerspective, Variant } from '@galley/perspectives'

/**
 * How a read resolves documents: `published`, `drafts` (draft over published), `raw`
 * (every variant as its own row), or a stack of release ids over drafts/published, as a
 * comma-joined string (`'spring,drafts'`) or a list (`['spring', 'drafts']`).
 */
export type Perspective = 'published' | 'drafts' | 'raw' | (string & {}) | readonly string[]

/**
 * Parse a perspective with the one parser every Galley package shares (`@galley/perspectives`):
 * exact spellings only, nothing trimmed or case-folded. Absent (`undefined`/`null`) means
 * `drafts` when `draft` is set, else `published`. Throws a `QueryError` that says what to send.
 * @example resolvePerspective('spring,drafts') // { kind: 'stack', layers: ['release:spring', 'draft', 'published'] }
 */
export function resolvePerspective(p: unknown, draft?: boolean): ResolvedPerspective {
  // The common cases first: reads ask on every call.
  if (p === undefined || p === null) return draft ? DRAFTS : PUBLISHED
  if (p === 'published') return PUBLISHED
  if (p === 'drafts') return DRAFTS
  const parsed = parsePerspective(p)
  if (!parsed.ok) throw new QueryError(parsed.message)
  return parsed.value.resolved
}

const PUBLISHED: ResolvedPerspective = Object.freeze({ kind: 'published' })
const DRAFTS: ResolvedPerspective = Object.freeze({ kind: 'drafts' })
