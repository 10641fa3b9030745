import { type QueryKey, useQueryClient } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { api } from './api/api-client'
import { useConfirm } from './editor/confirm-dialog'

/**
 * Revoke one of a list of credentials (API tokens, shared preview links): ask first
 * ("Revoke “name”?" with `consequence` below it), then `DELETE` it, then refetch the list
 * under `queryKey` — also when the delete failed, so the list shows what is true now.
 * Returns the row's button ("Revoke", with the item's name for screen readers), the alert
 * that says why the last revoke failed (`failure: message`), and the dialog to render.
 * @example const { button, alert, dialog } = useConfirmedRevoke({ queryKey: ['tokens'],
 *   path: (t) => `/auth/tokens/${encodeURIComponent(t.id)}`, consequence: '…', failure: 'Not revoked' })
 */
export function useConfirmedRevoke<T extends { id: string; name: string }>(opts: {
  queryKey: QueryKey
  /** The API path that revokes `item` with a `DELETE`. */
  path: (item: T) => string
  /** What revoking does, as the dialog says it. */
  consequence: string
  /** The words before the error message when it fails. */
  failure: string
}): {
  revoke: (item: T) => Promise<void>
  button: (item: T) => ReactNode
  alert: ReactNode
  dialog: ReactNode
} {
  const client = useQueryClient()
  const [confirm, dialog] = useConfirm()
  const [error, setError] = useState<string | null>(null)
  async function revoke(item: T) {
    const ok = await confirm({
      title: `Revoke “${item.name}”?`,
      body: opts.consequence,
      action: 'Revoke',
    })
    if (!ok) return
    setError(null)
    try {
      await api(opts.path(item), { method: 'DELETE' })
    } catch (err) {
      setError((err as Error).message)
    }
    await client.invalidateQueries({ queryKey: opts.queryKey })
  }
  const button = (item: T) => (
    <button type="button" className="danger" onClick={() => void revoke(item)}>
      Revoke <span className="visually-hidden">{item.name}</span>
    </button>
  )
  const alert = error && (
    <p className="error" role="alert">
      {opts.failure}: {error}
    </p>
  )
  return { revoke, button, alert, dialog }
}
