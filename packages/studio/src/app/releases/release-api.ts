import { api, qs } from '../api/api-client'
import type { PageInfo } from '../ui/pager'

/** A release as `/api/releases` answers it. */
export interface Release {
  id: string
  title: string
  description: string
  type: 'asap' | 'scheduled' | 'undecided'
  publishAt: string | null
  state: 'active' | 'scheduled' | 'published' | 'archived'
  createdBy: string | null
  createdAt: string
  updatedAt: string
  publishedAt: string | null
  revertOf: string | null
}

/** A document of a release, with its change against published and its validation. */
export interface ReleaseDocument {
  collection: string
  id: string
  action: 'publish' | 'unpublish'
  content: Record<string, unknown> | null
  published: Record<string, unknown> | null
  changes: Array<{ field: string; published: unknown; release: unknown }>
  valid: boolean
  errors: Array<{ path: string; message: string }>
}

export interface ScheduleHealth {
  lastRun: { jobId: string; at: string; by: string | null } | null
  failures: Array<{ jobId: string; kind: string; at: string | null; error: string | null }>
  pending: number
  nextRunAt: string | null
  overdue: number
}

/** A page of releases, newest first, as `GET /api/releases` answers it. */
export interface ReleasePage extends PageInfo {
  docs: Release[]
  limit: number
}

/** How many releases the releases screen shows a page. */
export const RELEASES_PAGE_SIZE = 20

/** One page of releases, newest first (the releases screen). */
export const listReleases = (page: number) =>
  api<ReleasePage>(`/releases${qs({ limit: RELEASES_PAGE_SIZE, page })}`)

/**
 * The open releases (active or scheduled), newest 1,000 of them (the API's largest page),
 * for the pickers that choose among them: the editor's "Add to release" and the
 * presentation's perspective menu. Filtered by the store, so any number of published and
 * archived releases leaves them all in reach.
 */
export const listOpenReleases = () =>
  api<ReleasePage>(`/releases${qs({ state: 'active,scheduled', limit: 1000 })}`)
export const getRelease = (id: string) =>
  api<Release & { documents: ReleaseDocument[] }>(`/releases/${encodeURIComponent(id)}`)
export const releaseAction = (id: string, action: string, body?: unknown) =>
  api<unknown>(`/releases/${encodeURIComponent(id)}/${action}`, { method: 'POST', body })

/** The editor's time zone, as the browser reports it (`Europe/Paris`). */
export function timeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** A UTC time shown in the editor's time zone, with the zone's name. */
export function inTimeZone(iso: string | null): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  // dateStyle cannot be combined with timeZoneName: spell the parts out.
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  })
}

/** A `datetime-local` value (the editor's time zone) as a UTC ISO time, or null. */
export function localToIso(value: string): string | null {
  if (!value) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/** A UTC ISO time as a `datetime-local` value in the editor's time zone. */
export function isoToLocal(iso: string | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export const STATE_LABELS: Record<Release['state'], string> = {
  active: 'Open',
  scheduled: 'Scheduled',
  published: 'Published',
  archived: 'Archived',
}

export const TYPE_LABELS: Record<Release['type'], string> = {
  asap: 'As soon as possible',
  scheduled: 'At a time',
  undecided: 'Undecided',
}
