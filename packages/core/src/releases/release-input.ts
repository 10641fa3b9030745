import { InputError } from '../errors'
import { isReleaseId } from '../perspectives/perspective'
import type { ReleaseType } from './release-storage'

const TYPES: readonly ReleaseType[] = ['asap', 'scheduled', 'undecided']

/** What `create` and `update` accept, checked field by field. */
export interface ReleaseInput {
  title?: unknown
  description?: unknown
  type?: unknown
  publishAt?: unknown
}

export function titleOf(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > 200)
    throw new InputError('title must be a text of 1–200 characters.')
  return v
}

export function descriptionOf(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string' || v.length > 5000)
    throw new InputError('description must be a text of at most 5,000 characters.')
  return v
}

export function typeOf(v: unknown): ReleaseType {
  if (v === undefined) return 'asap'
  if (!TYPES.includes(v as ReleaseType))
    throw new InputError(`type must be one of ${TYPES.map((t) => `'${t}'`).join(', ')}.`)
  return v as ReleaseType
}

/**
 * An ISO 8601 time with a time zone, as UTC (`2026-05-01T09:00:00.000Z`), or an
 * `InputError`; `future` also refuses a time that is not after now.
 */
export function timeOf(v: unknown, name: string, future: boolean, now = Date.now()): string {
  const ok =
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)
  const ms = ok && realDate(v) ? Date.parse(v) : Number.NaN
  if (!Number.isFinite(ms))
    throw new InputError(
      `${name} must be an ISO 8601 time with a time zone, such as '2030-05-01T09:00:00Z'.`,
    )
  if (future && ms <= now)
    throw new InputError(
      `${name} ${new Date(ms).toISOString()} is in the past (now ${new Date(now).toISOString()}); choose a later time.`,
    )
  return new Date(ms).toISOString()
}

/** Whether the calendar date and clock time of an ISO string exist (no 31 February, no 24:30). */
function realDate(v: string): boolean {
  const [y, mo, d, h, mi, sec] = v.split(/[-T:.Z+]/).map(Number) as number[]
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate()
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days && h! <= 23 && mi! <= 59 && (sec ?? 0) <= 59
}

/** An optional release id for `create`, or an `InputError`. */
export function newReleaseIdOf(v: unknown): string | undefined {
  if (v === undefined) return undefined
  if (!isReleaseId(v))
    throw new InputError(
      "id must be 1–64 letters, digits, - or _, and not 'published', 'drafts', 'draft' or 'raw'.",
    )
  return v
}
