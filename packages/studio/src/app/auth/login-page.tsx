import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { api, ApiError, setCsrfToken } from '../api/api-client'
import type { Me } from './use-session'

/**
 * Sign in with email and password (the server's session cookie); lockouts are shown as such.
 * With `onSignedIn`, it is the dialog shown over the app when a session ended mid-work.
 */
export function LoginPage({ onSignedIn }: { onSignedIn?: (me: Me) => void } = {}) {
  const client = useQueryClient()
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    if (onSignedIn) dialog.current?.showModal()
  }, [onSignedIn])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const form = new FormData(e.currentTarget)
    setBusy(true)
    setError(null)
    try {
      const me = await api<Me & { csrfToken: string }>('/auth/login', {
        method: 'POST',
        body: { email: String(form.get('email')), password: String(form.get('password')) },
      })
      setCsrfToken(me.csrfToken)
      if (onSignedIn) return onSignedIn(me)
      // What another user's session read must not show; `me` itself stays observed by the app.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' })
      client.setQueryData(['me'], me)
    } catch (err) {
      setError(loginError(err))
    } finally {
      setBusy(false)
    }
  }

  const form = (
    <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{onSignedIn ? 'Your session ended' : 'Galley Studio'}</h1>
      <p className="muted">
        {onSignedIn
          ? 'Sign in again to keep working; your unsaved changes are still here.'
          : 'Sign in to edit content.'}
      </p>
      <label htmlFor="login-email">Email</label>
      <input id="login-email" name="email" type="email" autoComplete="username" required />
      <label htmlFor="login-password">Password</label>
      <input
        id="login-password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Log in
      </button>
    </form>
  )
  if (onSignedIn)
    return (
      <dialog
        ref={dialog}
        className="login-dialog"
        aria-labelledby="login-title"
        onCancel={(e) => e.preventDefault()}
      >
        {form}
      </dialog>
    )
  return <main className="login">{form}</main>
}

function loginError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429)
      return `Too many failed sign-ins: locked for now. Try again in ${err.retryAfter ?? 'a few'} seconds.`
    if (err.status === 401) return 'The email or password is wrong.'
    return err.message
  }
  return 'Signing in failed; check the connection and try again.'
}
