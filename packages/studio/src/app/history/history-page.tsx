import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api, ApiError, qs } from '../api/api-client'
import type { Doc, Page, Revision } from '../api/documents'
import { useSchema } from '../auth/use-session'
import { formatTime, titleOf } from '../ui/format'
import type { CollectionSchema, GlobalSchema } from '../../schema-types'
import { usePeople } from '../ui/use-people'
import { diffText, ValueDiff } from './value-diff'

const ACTIONS: Record<string, string> = {
  create: 'Created',
  update: 'Saved',
  autosave: 'Autosaved',
  publish: 'Published',
  unpublish: 'Unpublished',
  discardDraft: 'Reverted to published',
  restore: 'Restored',
}

/**
 * `/collections/:collection/:id/history` and `/globals/:slug/history`: every revision (action, version, author, time,
 * autosave), a field-by-field comparison of any two with word-level differences (the
 * published version against the draft by default), and restoring one as the draft or
 * publishing it.
 */
export function HistoryPage({
  entity,
  kind = 'collection',
  id,
}: {
  entity: CollectionSchema | GlobalSchema
  kind?: 'collection' | 'global'
  /** The document's id; a global's is its slug. */
  id: string
}) {
  const collection = entity
  const schema = useSchema().data!
  const client = useQueryClient()
  const [, navigate] = useLocation()
  const base =
    kind === 'global'
      ? `/globals/${collection.slug}`
      : `/${collection.slug}/${encodeURIComponent(id)}`
  const editorPath =
    kind === 'global'
      ? `/globals/${collection.slug}`
      : `/collections/${collection.slug}/${encodeURIComponent(id)}`
  const revisions = useQuery({
    queryKey: ['revisions', collection.slug, id],
    queryFn: () => api<Page<Revision>>(`${base}/revisions${qs({ limit: 100 })}`),
    staleTime: 0,
  })
  const current = useQuery({
    queryKey: ['doc', kind, collection.slug, id, 'history'],
    queryFn: () => api<Doc>(`${base}${qs({ draft: true })}`),
    staleTime: 0,
  })
  const published = useQuery({
    queryKey: ['doc', kind, collection.slug, id, 'published'],
    queryFn: async () => {
      try {
        return await api<Doc>(`${base}${qs({ perspective: 'published' })}`)
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null
        throw err
      }
    },
    staleTime: 0,
  })
  const [picked, setPicked] = useState<{ a?: string; b?: string }>({})
  const [message, setMessage] = useState<string | null>(null)
  const compareId = useId()
  const withId = useId()
  const person = usePeople(revisions.data?.docs.map((r) => r.author) ?? [])

  if (revisions.isPending || current.isPending || published.isPending)
    return <p role="status">Loading…</p>
  if (revisions.isError || current.isError || published.isError) {
    const err = (revisions.error ?? current.error ?? published.error) as Error
    return (
      <>
        <h1>History</h1>
        <p role="alert">The history could not be loaded: {err.message}</p>
      </>
    )
  }
  const list = revisions.data.docs
  const withData = list.filter((r) => r.data !== null)
  const draftRev = current.data._variant === 'draft' ? current.data._rev : undefined
  const pubRev = published.data?._rev
  const defaults =
    draftRev && pubRev && draftRev !== pubRev
      ? { a: pubRev, b: draftRev }
      : { a: withData[1]?.id, b: withData[0]?.id }
  const aId = picked.a ?? defaults.a
  const bId = picked.b ?? defaults.b
  const a = withData.find((r) => r.id === aId)
  const b = withData.find((r) => r.id === bId)
  const changed =
    a && b
      ? collection.fields.filter((f) => diffText(a.data![f.name]) !== diffText(b.data![f.name]))
      : []

  const describe = (r: Revision) =>
    `${formatTime(r.createdAt)} · ${actionText(r)}${r.autosave ? ' (autosave)' : ''} · ${variantText(r.variant)}`

  async function restore(r: Revision, publish: boolean) {
    setMessage(null)
    try {
      await api<Doc>(
        `${base}/revisions/${encodeURIComponent(r.id)}/restore${qs({ draft: !publish })}`,
        {
          method: 'POST',
          ifMatch: current.data?._rev,
        },
      )
      await client.invalidateQueries({ queryKey: ['doc', kind, collection.slug] })
      await client.invalidateQueries({ queryKey: ['list', collection.slug] })
      navigate(editorPath)
    } catch (err) {
      setMessage(`Not restored: ${(err as Error).message}`)
    }
  }

  return (
    <>
      <p className="breadcrumb">
        {'labels' in collection ? (
          <>
            <Link href={`/collections/${collection.slug}`}>{collection.labels.plural}</Link> ›{' '}
            <Link href={editorPath}>{titleOf(current.data, collection.useAsTitle)}</Link>
          </>
        ) : (
          <>
            Globals › <Link href={editorPath}>{collection.label}</Link>
          </>
        )}
      </p>
      <h1>History</h1>
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      <section aria-labelledby="compare-title" className="compare">
        <h2 id="compare-title">Compare</h2>
        {withData.length < 2 ? (
          <p>There is only one version so far.</p>
        ) : (
          <>
            <div className="toolbar">
              <div>
                <label htmlFor={compareId}>Compare</label>
                <select
                  id={compareId}
                  value={aId}
                  onChange={(e) => setPicked({ a: e.target.value, b: bId })}
                >
                  {withData.map((r) => (
                    <option key={r.id} value={r.id}>
                      {describe(r)}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor={withId}>With</label>
                <select
                  id={withId}
                  value={bId}
                  onChange={(e) => setPicked({ a: aId, b: e.target.value })}
                >
                  {withData.map((r) => (
                    <option key={r.id} value={r.id}>
                      {describe(r)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {a && b && (
              <div className="diffs">
                {changed.length === 0 ? (
                  <p>These two versions hold the same content.</p>
                ) : (
                  changed.map((f) => (
                    <ValueDiff
                      key={f.name}
                      field={f}
                      before={a.data![f.name]}
                      after={b.data![f.name]}
                    />
                  ))
                )}
                {changed.length > 0 && changed.length < collection.fields.length && (
                  <p className="muted">
                    {collection.fields.length - changed.length} other fields are the same.
                  </p>
                )}
              </div>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="revisions-title">
        <h2 id="revisions-title">Revisions</h2>
        <table className="docs">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Version</th>
              <th scope="col">Author</th>
              <th scope="col">Restore</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id}>
                <td>
                  <time dateTime={r.createdAt}>{formatTime(r.createdAt)}</time>
                </td>
                <td>
                  {actionText(r)}
                  {r.autosave && <span className="tag">autosave</span>}
                </td>
                <td>{variantText(r.variant)}</td>
                <td>
                  {r.author === schema.user.id
                    ? 'You'
                    : r.author
                      ? (person(r.author) ?? r.author)
                      : 'System'}
                </td>
                <td className="row-actions">
                  {r.data !== null && collection.permissions.update && (
                    <button
                      type="button"
                      aria-label={`Restore as draft: version of ${formatTime(r.createdAt)}`}
                      onClick={() => void restore(r, false)}
                    >
                      Restore as draft
                    </button>
                  )}
                  {r.data !== null && collection.permissions.publish && (
                    <button
                      type="button"
                      aria-label={`Restore and publish: version of ${formatTime(r.createdAt)}`}
                      onClick={() => void restore(r, true)}
                    >
                      Restore and publish
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {revisions.data.totalDocs > list.length && (
          <p className="muted">
            Showing the newest {list.length} of {revisions.data.totalDocs}.
          </p>
        )}
      </section>
    </>
  )
}

/** A save without drafts (or a Publish with unsaved edits) writes the published version. */
function actionText(r: Revision): string {
  if (r.action === 'update' && r.variant === 'published') return 'Saved and published'
  return ACTIONS[r.action] ?? r.action
}

function variantText(v: string): string {
  if (v === 'published') return 'Published'
  if (v === 'draft') return 'Draft'
  return v.startsWith('release:') ? `Release ${v.slice(8)}` : v
}
