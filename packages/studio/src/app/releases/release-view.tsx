import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { ApiError, api } from '../api/api-client'
import { useConfirm } from '../editor/confirm-dialog'
import type { StudioSchema } from '../../schema-types'
import { DocumentTable, UnpublishForm } from './release-documents'
import {
  STATE_LABELS,
  TYPE_LABELS,
  getRelease,
  inTimeZone,
  isoToLocal,
  localToIso,
  releaseAction,
  timeZone,
} from './release-api'

/** One release: its documents with changes and validation, and what can be done with it. */
export function ReleaseView({ schema, id }: { schema: StudioSchema; id: string }) {
  const client = useQueryClient()
  const [, navigate] = useLocation()
  const [confirm, dialog] = useConfirm()
  const hid = useId()
  const [at, setAt] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<{ text: string; fields: string[] } | null>(null)
  const release = useQuery({ queryKey: ['release', id], queryFn: () => getRelease(id) })
  if (release.isPending) return <p aria-busy="true">Loading release…</p>
  if (release.isError)
    return (
      <p className="error" role="alert">
        {(release.error as Error).message}
      </p>
    )
  const r = release.data
  const open = r.state === 'active' || r.state === 'scheduled'
  const mayPublish = schema.collections.some((c) => c.permissions.publish)

  async function run(what: string, fn: () => Promise<unknown>, done: string) {
    setError(null)
    setMessage(null)
    try {
      await fn()
      setMessage(done)
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields.map((f) => `${f.path}: ${f.message}`) : []
      setError({ text: `${what} failed: ${(err as Error).message}`, fields })
    }
    await client.invalidateQueries({ queryKey: ['release', id] })
    await client.invalidateQueries({ queryKey: ['releases'] })
  }
  const publish = async () => {
    const ok = await confirm({
      title: `Publish “${r.title}”?`,
      body: `All ${r.documents.length} document(s) go live together, or none does.`,
      action: 'Publish release',
    })
    if (ok)
      await run('Publishing', () => releaseAction(id, 'publish'), 'The release was published.')
  }
  const schedule = () => {
    const publishAt = localToIso(at)
    if (!publishAt) return setError({ text: 'Choose a date and time first.', fields: [] })
    return run(
      'Scheduling',
      () => releaseAction(id, 'schedule', { publishAt }),
      `Scheduled for ${inTimeZone(publishAt)}.`,
    )
  }
  const revert = () =>
    run(
      'Reverting',
      async () => {
        const made = (await releaseAction(id, 'revert')) as { id: string }
        navigate(`/${encodeURIComponent(made.id)}`)
      },
      'A release that reverts this one was created.',
    )
  const remove = async () => {
    const ok = await confirm({
      title: `Delete “${r.title}”?`,
      body: 'Its content in each document is dropped; the documents themselves stay.',
      action: 'Delete release',
    })
    if (!ok) return
    await run(
      'Deleting',
      async () => {
        await api(`/releases/${encodeURIComponent(id)}`, { method: 'DELETE' })
        navigate('/')
      },
      'Deleted.',
    )
  }
  const preview = () =>
    run(
      'Opening the preview',
      async () => {
        const s = await api<{ previewUrl?: string }>('/preview/secrets', {
          method: 'POST',
          body: { perspective: `${id},drafts`, pathname: '/' },
        })
        if (s.previewUrl) window.open(s.previewUrl, '_blank', 'noopener')
      },
      'The preview opened in a new tab.',
    )

  return (
    <>
      <p>
        <Link href="/">All releases</Link>
      </p>
      <h1>{r.title}</h1>
      {r.description && <p>{r.description}</p>}
      <dl className="release-facts">
        <dt>Status</dt>
        <dd>{STATE_LABELS[r.state]}</dd>
        <dt>When</dt>
        <dd>
          {r.publishAt ? inTimeZone(r.publishAt) : TYPE_LABELS[r.type]}
          {r.publishedAt && ` (published ${inTimeZone(r.publishedAt)})`}
        </dd>
        <dt>Time zone</dt>
        <dd>{timeZone()}</dd>
      </dl>
      {mayPublish && (
        <div className="release-actions" role="group" aria-label="Release actions">
          {open && (
            <button type="button" className="primary" onClick={() => void publish()}>
              Publish release
            </button>
          )}
          {open && (
            <>
              <label htmlFor={`${hid}-at`}>Publish at ({timeZone()})</label>
              <input
                id={`${hid}-at`}
                type="datetime-local"
                value={at || isoToLocal(r.publishAt)}
                onChange={(e) => setAt(e.target.value)}
              />
              <button type="button" onClick={() => void schedule()}>
                Schedule
              </button>
            </>
          )}
          {r.state === 'scheduled' && (
            <button
              type="button"
              onClick={() =>
                void run('Unscheduling', () => releaseAction(id, 'unschedule'), 'Unscheduled.')
              }
            >
              Unschedule
            </button>
          )}
          {r.state !== 'archived' && (
            <button
              type="button"
              onClick={() => void run('Archiving', () => releaseAction(id, 'archive'), 'Archived.')}
            >
              Archive
            </button>
          )}
          {r.publishedAt && (
            <button type="button" onClick={() => void revert()}>
              Revert
            </button>
          )}
          {schema.previewUrl && open && (
            <button type="button" onClick={() => void preview()}>
              Open preview
            </button>
          )}
          {r.state !== 'published' && (
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete release
            </button>
          )}
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {error && (
        <div className="error" role="alert">
          <p>{error.text}</p>
          {error.fields.length > 0 && (
            <ul>
              {error.fields.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <h2>Documents</h2>
      <DocumentTable
        schema={schema}
        docs={r.documents}
        onRemove={
          open && mayPublish
            ? (d) =>
                void run(
                  'Removing',
                  () =>
                    api(
                      `/releases/${encodeURIComponent(id)}/documents/${d.collection}/${encodeURIComponent(d.id)}`,
                      { method: 'DELETE' },
                    ),
                  'Removed from the release.',
                )
            : undefined
        }
      />
      {open && mayPublish && (
        <UnpublishForm
          schema={schema}
          onAdd={(collection, docId) =>
            run(
              'Adding',
              () =>
                api(`/releases/${encodeURIComponent(id)}/documents`, {
                  method: 'POST',
                  body: { collection, id: docId, action: 'unpublish' },
                }),
              'The document will be unpublished with this release.',
            )
          }
        />
      )}
      {dialog}
    </>
  )
}
