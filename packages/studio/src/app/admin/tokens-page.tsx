import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api/api-client'
import { useConfirmedRevoke } from '../use-confirmed-revoke'
import { formatTime } from '../ui/format'
import type { StudioSchema } from '../../schema-types'
import { AdminOnly, ShownOnce } from './admin-parts'

interface Token {
  id: string
  name: string
  scope: 'read:published' | 'read:drafts' | 'write'
  prefix: string
  createdBy: string | null
  createdByEmail: string | null
  createdAt: string
}

const SCOPES = [
  { value: 'read:published', label: 'Read published content' },
  { value: 'read:drafts', label: 'Read drafts (a frontend’s preview)' },
  { value: 'write', label: 'Read and write (like an editor)' },
] as const
const scopeLabel = (s: string) => SCOPES.find((x) => x.value === s)?.label ?? s

/**
 * `/admin/tokens`: API tokens for frontends and scripts — create one with a scope (the token
 * is shown once; only its hash is kept), see who made each, revoke one. Admins only.
 */
export function TokensPage({ schema }: { schema: StudioSchema }) {
  if (schema.user.role !== 'admin')
    return <AdminOnly title="API tokens" role={schema.user.role} what="manage API tokens" />
  return (
    <>
      <h1>API tokens</h1>
      <CreateToken />
      <TokenList />
    </>
  )
}

function CreateToken() {
  const client = useQueryClient()
  const id = useId()
  const [name, setName] = useState('')
  const [scope, setScope] = useState<Token['scope']>('read:drafts')
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    setCreated(null)
    try {
      const res = await api<Token & { token: string }>('/auth/tokens', {
        method: 'POST',
        body: { name: name.trim(), scope },
      })
      setCreated({ name: res.name, token: res.token })
      setName('')
      await client.invalidateQueries({ queryKey: ['tokens'] })
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Create a token</h2>
      <div className="form-grid">
        <label htmlFor={`${id}-name`}>Token name</label>
        <input
          id={`${id}-name`}
          required
          maxLength={100}
          placeholder="e.g. Website preview"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor={`${id}-scope`}>Scope</label>
        <select
          id={`${id}-scope`}
          value={scope}
          onChange={(e) => setScope(e.target.value as Token['scope'])}
        >
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary">
        Create token
      </button>
      {error && (
        <p className="error" role="alert">
          Not created: {error}
        </p>
      )}
      {created && (
        <ShownOnce
          label={`Token ${created.name}`}
          intro={`Token “${created.name}” created. Copy it now: it is shown only once.`}
          secret={created.token}
        />
      )}
    </form>
  )
}

function TokenList() {
  const { button, alert, dialog } = useConfirmedRevoke<Token>({
    queryKey: ['tokens'],
    path: (t) => `/auth/tokens/${encodeURIComponent(t.id)}`,
    consequence: 'Everything using this token loses access at once. This cannot be undone.',
    failure: 'Not revoked',
  })
  const tokens = useQuery({
    queryKey: ['tokens'],
    queryFn: () => api<{ tokens: Token[] }>('/auth/tokens'),
  })
  if (tokens.isPending) return <p aria-busy="true">Loading tokens…</p>
  if (tokens.isError)
    return (
      <p className="error" role="alert">
        {(tokens.error as Error).message}
      </p>
    )
  const list = tokens.data.tokens
  return (
    <>
      {alert}
      {list.length === 0 ? (
        <p className="muted">No API tokens yet.</p>
      ) : (
        <table className="docs">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Starts with</th>
              <th scope="col">Made by</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{scopeLabel(t.scope)}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{madeBy(t)}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{button(t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
    </>
  )
}

/**
 * A token's maker: a user (by email), a user since deleted (an id without a user), or the
 * tool that made it outside the Studio (`createdBy` is then its name: "galley dev", "cli").
 */
function madeBy(t: { createdBy: string | null; createdByEmail: string | null }): string {
  if (t.createdByEmail) return t.createdByEmail
  if (!t.createdBy) return 'Command line'
  return USER_ID.test(t.createdBy) ? 'Deleted user' : t.createdBy
}

/** Galley's ids (core's newId): 20 characters of lower-case Crockford base32. */
const USER_ID = /^[0-9a-hjkmnp-tv-z]{20}$/
