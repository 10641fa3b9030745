import { useEffect, useState } from 'react'
import { api } from '../api/api-client'

const STORAGE_KEY = 'galley.presentation.share'

interface Share {
  id: string
  name: string
  previewUrl?: string
}

/**
 * "Shared access": on, it creates a shared preview link without expiry for the page shown;
 * off, it revokes that link, which ends every session opened from it at once.
 */
export function SharedAccess({
  pathname,
  perspective,
}: {
  pathname: string
  perspective: unknown
}) {
  const [share, setShare] = useState<Share | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  // A link made earlier in this browser stays on while it is live.
  useEffect(() => {
    const saved = readSaved()
    if (!saved) return
    api<{ shares: Share[] }>('/preview/shares')
      .then(({ shares }) => {
        if (shares.some((s) => s.id === saved.id)) setShare(saved)
        else localStorage.removeItem(STORAGE_KEY)
      })
      .catch(() => {})
  }, [])

  async function toggle(on: boolean) {
    setBusy(true)
    setError(null)
    try {
      if (on) {
        const created = await api<Share & { secret: string }>('/preview/shares', {
          method: 'POST',
          body: {
            name: `Presentation ${pathname}`.slice(0, 200),
            perspective,
            pathname,
            expiresAt: null,
          },
        })
        const next = { id: created.id, name: created.name, previewUrl: created.previewUrl }
        localStorage.setItem(STORAGE_KEY, JSON.stringify(next))
        setShare(next)
      } else if (share) {
        await api(`/preview/shares/${encodeURIComponent(share.id)}`, { method: 'DELETE' })
        localStorage.removeItem(STORAGE_KEY)
        setShare(null)
      }
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="presentation-share">
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={share !== null}
          disabled={busy}
          onChange={(e) => void toggle(e.target.checked)}
        />{' '}
        Shared access
      </label>
      {share && (
        <label>
          Shared link{' '}
          <input
            readOnly
            value={share.previewUrl ?? '(set preview.url on the server for a ready link)'}
            onFocus={(e) => e.target.select()}
          />
        </label>
      )}
      {error && <span role="alert">{error}</span>}
    </div>
  )
}

function readSaved(): Share | null {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Share | null
    return value && typeof value.id === 'string' ? value : null
  } catch {
    return null
  }
}
