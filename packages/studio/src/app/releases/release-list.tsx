import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { Link, useLocation, useSearchParams } from 'wouter'
import { api } from '../api/api-client'
import type { StudioSchema } from '../../schema-types'
import { Pager } from '../ui/pager'
import {
  type Release,
  STATE_LABELS,
  TYPE_LABELS,
  inTimeZone,
  listReleases,
  localToIso,
  timeZone,
} from './release-api'
import { ScheduleHealthPanel } from './schedule-health'

/**
 * The releases, newest first, 20 a page (`?page=` in the URL; "Previous page" and "Next
 * page" once there is more than one), a form to create one, and the scheduler's health.
 */
export function ReleaseList({ schema }: { schema: StudioSchema }) {
  const [params, setParams] = useSearchParams()
  const page = Math.max(1, Number(params.get('page')) || 1)
  const releases = useQuery({
    queryKey: ['releases', { page }],
    queryFn: () => listReleases(page),
    placeholderData: keepPreviousData,
  })
  const goTo = (n: number) =>
    setParams((p) => {
      const out = new URLSearchParams(p)
      if (n > 1) out.set('page', String(n))
      else out.delete('page')
      return out
    })
  const mayWrite = schema.collections.some((c) => c.permissions.update)
  return (
    <>
      <h1>Releases</h1>
      {mayWrite && <CreateRelease />}
      {releases.isPending ? (
        <p aria-busy="true">Loading releases…</p>
      ) : releases.isError ? (
        <p className="error" role="alert">
          {(releases.error as Error).message}
        </p>
      ) : releases.data.totalDocs === 0 ? (
        <p className="muted">No releases yet.</p>
      ) : (
        <>
          <table className="docs">
            <caption className="visually-hidden">Releases</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {releases.data.docs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/${encodeURIComponent(r.id)}`}>{r.title}</Link>
                  </td>
                  <td>{r.publishAt ? inTimeZone(r.publishAt) : TYPE_LABELS[r.type]}</td>
                  <td>{STATE_LABELS[r.state]}</td>
                  <td>{inTimeZone(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(releases.data.totalPages > 1 || page > 1) && (
            <Pager data={releases.data} page={page} noun={['release', 'releases']} onPage={goTo} />
          )}
        </>
      )}
      <ScheduleHealthPanel />
    </>
  )
}

function CreateRelease() {
  const id = useId()
  const client = useQueryClient()
  const [, navigate] = useLocation()
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [type, setType] = useState<Release['type']>('asap')
  const [at, setAt] = useState('')
  const [error, setError] = useState<string | null>(null)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    try {
      const publishAt = type === 'scheduled' ? localToIso(at) : null
      const made = await api<Release>('/releases', {
        method: 'POST',
        body: { title, description, type, ...(publishAt ? { publishAt } : {}) },
      })
      await client.invalidateQueries({ queryKey: ['releases'] })
      navigate(`/${encodeURIComponent(made.id)}`)
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Create a release</h2>
      <div className="form-grid">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          maxLength={5000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <label htmlFor={`${id}-type`}>When</label>
        <select
          id={`${id}-type`}
          value={type}
          onChange={(e) => setType(e.target.value as Release['type'])}
        >
          {Object.entries(TYPE_LABELS).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        {type === 'scheduled' && (
          <>
            <label htmlFor={`${id}-at`}>Planned time ({timeZone()})</label>
            <input
              id={`${id}-at`}
              type="datetime-local"
              value={at}
              onChange={(e) => setAt(e.target.value)}
            />
          </>
        )}
      </div>
      <button type="submit" className="primary">
        Create release
      </button>
      {error && (
        <p className="error" role="alert">
          Not created: {error}
        </p>
      )}
    </form>
  )
}
