import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { api, qs } from '../api/api-client'
import { formatTime } from '../ui/format'
import { useConfirmedRevoke } from '../use-confirmed-revoke'
import type { DocumentSession } from './document-session'

/** A shared preview link as `GET /api/preview/shares` lists it. */
interface Share {
  id: string
  name: string
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
}

const EXPIRIES = [
  { label: '1 day', days: 1 },
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: 'Never (until revoked)', days: 0 },
] as const

/**
 * "Open preview" and "Share preview" for a document whose config has a `preview` path:
 * opening saves pending changes, asks the server for the draft's frontend path, mints a
 * fresh one-hour preview secret for it and opens the frontend's draft-mode route in a new
 * tab; sharing makes named, expiring links, lists them (who made them, when they were last
 * used) and revokes them one by one.
 */
export function PreviewPanel({
  session,
  kind,
  slug,
  id,
}: {
  session: DocumentSession
  kind: 'collection' | 'global'
  slug: string
  id: string
}) {
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [sharing, setSharing] = useState(false)
  const panelId = useId()

  /** The draft's frontend path, after sending what the form holds. */
  async function pathname(): Promise<string | null> {
    if (session.dirty && !(await session.save())) throw new Error('the draft could not be saved')
    const where = kind === 'global' ? { global: slug } : { collection: slug, id }
    const res = await api<{ pathname: string | null }>(`/schema/preview-path${qs(where)}`)
    return res.pathname
  }

  async function openPreview() {
    setMessage(null)
    setBusy(true)
    // Opened now, inside the click, so that no popup blocker stops it; pointed at the
    // preview once the secret exists.
    const tab = window.open('', '_blank')
    try {
      const path = await pathname()
      if (!path) throw new Error('this document has no frontend page yet (does it need a slug?)')
      const secret = await api<{ previewUrl?: string }>('/preview/secrets', {
        method: 'POST',
        body: { perspective: 'drafts', pathname: path },
      })
      if (!secret.previewUrl)
        throw new Error('the server has no frontend preview route (server option preview.url)')
      if (tab) {
        tab.opener = null
        tab.location.href = secret.previewUrl
      } else window.location.assign(secret.previewUrl)
      setMessage(`Preview opened in a new tab: ${path}`)
    } catch (err) {
      tab?.close()
      setMessage(`Could not open the preview: ${(err as Error).message}.`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="preview-panel">
      <div className="preview-buttons">
        <button type="button" onClick={() => void openPreview()} disabled={busy}>
          Open preview
        </button>
        <button
          type="button"
          aria-expanded={sharing}
          aria-controls={panelId}
          onClick={() => setSharing((s) => !s)}
        >
          Share preview
        </button>
        {message && (
          <p className="muted" aria-live="polite">
            {message}
          </p>
        )}
      </div>
      {sharing && (
        <section id={panelId} className="share-panel" aria-label="Shared preview links">
          <ShareForm pathname={pathname} />
          <ShareList />
        </section>
      )}
    </div>
  )
}

function ShareForm({ pathname }: { pathname: () => Promise<string | null> }) {
  const client = useQueryClient()
  const [name, setName] = useState('')
  const [days, setDays] = useState<number>(7)
  const [created, setCreated] = useState<{ name: string; url: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const nameId = useId()
  const expiryId = useId()

  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    setCreated(null)
    setCopied(false)
    try {
      const path = await pathname()
      const res = await api<{ previewUrl?: string; name: string }>('/preview/shares', {
        method: 'POST',
        body: {
          name: name.trim(),
          perspective: 'drafts',
          expiresAt: days ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
          ...(path ? { pathname: path } : {}),
        },
      })
      if (!res.previewUrl)
        throw new Error('the server has no frontend preview route (server option preview.url)')
      setCreated({ name: res.name, url: res.previewUrl })
      setName('')
      await client.invalidateQueries({ queryKey: ['preview-shares'] })
    } catch (err) {
      setError((err as Error).message)
    }
  }

  return (
    <form className="share-form" onSubmit={submit}>
      <h2>Share preview</h2>
      <p className="muted">
        Anyone with a shared link sees this site's drafts until the link expires or is revoked.
      </p>
      <div className="share-fields">
        <div>
          <label htmlFor={nameId}>Link name</label>
          <input
            id={nameId}
            value={name}
            maxLength={100}
            required
            placeholder="e.g. Legal review"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={expiryId}>Expires after</label>
          <select id={expiryId} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRIES.map((x) => (
              <option key={x.days} value={x.days}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary">
          Create link
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not create the link: {error}
        </p>
      )}
      {created && (
        <div className="share-created" aria-live="polite">
          <p>Link “{created.name}” created. Copy it now: it is shown only once.</p>
          <label className="visually-hidden" htmlFor={`${nameId}-url`}>
            Shared link
          </label>
          <input
            id={`${nameId}-url`}
            readOnly
            value={created.url}
            onFocus={(e) => e.target.select()}
          />
          <button
            type="button"
            onClick={() =>
              navigator.clipboard?.writeText(created.url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      )}
    </form>
  )
}

function ShareList() {
  const { button, alert, dialog } = useConfirmedRevoke<Share>({
    queryKey: ['preview-shares'],
    path: (share) => `/preview/shares/${encodeURIComponent(share.id)}`,
    consequence: 'Whoever has this link loses the preview at once.',
    failure: 'Could not revoke',
  })
  const shares = useQuery({
    queryKey: ['preview-shares'],
    queryFn: () => api<{ shares: Share[] }>('/preview/shares'),
    staleTime: 0,
  })
  if (shares.isPending) return <p aria-busy="true">Loading links…</p>
  if (shares.isError)
    return (
      <p className="error" role="alert">
        Could not list the links: {(shares.error as Error).message}
      </p>
    )
  const list = shares.data.shares
  return (
    <>
      {alert}
      {list.length === 0 ? (
        <p className="muted">No live shared links.</p>
      ) : (
        <table className="docs shares">
          <caption>Live shared links</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Made by</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.createdBy ?? '—'}</td>
                <td>{formatTime(s.createdAt)}</td>
                <td>{s.expiresAt ? formatTime(s.expiresAt) : 'Never'}</td>
                <td>{s.lastUsedAt ? formatTime(s.lastUsedAt) : 'Not yet'}</td>
                <td>{button(s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
    </>
  )
}
