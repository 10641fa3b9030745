import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { api, ApiError, qs } from '../api/api-client'
import type { Page } from '../api/documents'
import { formatTime } from '../ui/format'
import type { StudioSchema } from '../../schema-types'
import { AdminOnly, ShownOnce } from './admin-parts'

interface User {
  id: string
  email: string
  name?: string | null
  role: string
  createdAt: string
}

const ROLES = [
  { value: 'viewer', label: 'Viewer — reads drafts' },
  { value: 'editor', label: 'Editor — writes and publishes' },
  { value: 'admin', label: 'Admin — also manages users and tokens' },
] as const

/**
 * `/admin/users`: everyone who can sign in, with their role (changed in place), and a form
 * that creates a user with a temporary password shown once. Admins only; others are told why.
 */
export function UsersPage({ schema }: { schema: StudioSchema }) {
  if (schema.user.role !== 'admin')
    return <AdminOnly title="Users" role={schema.user.role} what="manage users" />
  return (
    <>
      <h1>Users</h1>
      <CreateUser />
      <UserList me={schema.user.id} />
    </>
  )
}

function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15))
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '')
}

function CreateUser() {
  const client = useQueryClient()
  const id = useId()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [role, setRole] = useState('editor')
  const [password, setPassword] = useState(randomPassword)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    setCreated(null)
    try {
      await api('/users', {
        method: 'POST',
        body: {
          email: email.trim(),
          role,
          password,
          ...(name.trim() ? { name: name.trim() } : {}),
        },
      })
      setCreated({ email: email.trim().toLowerCase(), password })
      setEmail('')
      setName('')
      setPassword(randomPassword())
      await client.invalidateQueries({ queryKey: ['users'] })
    } catch (err) {
      setError(userError(err))
    }
  }

  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Invite a user</h2>
      <p className="muted">
        Give the new user their email and the temporary password; they sign in at this address.
      </p>
      <div className="form-grid">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-password`}>Temporary password</label>
        <div className="inline">
          <input
            id={`${id}-password`}
            required
            minLength={8}
            value={password}
            spellCheck={false}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="button" onClick={() => setPassword(randomPassword())}>
            New password
          </button>
        </div>
      </div>
      <button type="submit" className="primary">
        Create user
      </button>
      {error && (
        <p className="error" role="alert">
          Not created: {error}
        </p>
      )}
      {created && (
        <ShownOnce
          label={`Password of ${created.email}`}
          intro={`User ${created.email} created. Their temporary password is shown only now:`}
          secret={created.password}
        />
      )}
    </form>
  )
}

function UserList({ me }: { me: string }) {
  const client = useQueryClient()
  const [page, setPage] = useState(1)
  const [error, setError] = useState<string | null>(null)
  const users = useQuery({
    queryKey: ['users', page],
    queryFn: () => api<Page<User>>(`/users${qs({ limit: 50, page, sort: 'email' })}`),
  })
  async function setRole(user: User, role: string) {
    setError(null)
    try {
      await api(`/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body: { role } })
    } catch (err) {
      setError(`${user.email}: ${(err as Error).message}`)
    }
    await client.invalidateQueries({ queryKey: ['users'] })
  }
  if (users.isPending) return <p aria-busy="true">Loading users…</p>
  if (users.isError)
    return (
      <p className="error" role="alert">
        {(users.error as Error).message}
      </p>
    )
  const data = users.data
  return (
    <>
      {error && (
        <p className="error" role="alert">
          Role not changed: {error}
        </p>
      )}
      <table className="docs">
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {data.docs.map((u) => (
            <tr key={u.id}>
              <td>
                {u.email}
                {u.id === me && <span className="muted"> (you)</span>}
              </td>
              <td>{u.name || '—'}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  // Demoting yourself would lock you out of this screen: another admin does it.
                  disabled={u.id === me}
                  title={u.id === me ? 'Another admin can change your role.' : undefined}
                  onChange={(e) => void setRole(u, e.target.value)}
                >
                  {ROLES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.value[0]!.toUpperCase() + r.value.slice(1)}
                    </option>
                  ))}
                </select>
              </td>
              <td>{formatTime(u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.totalPages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={!data.hasPrevPage} onClick={() => setPage(page - 1)}>
            Previous page
          </button>
          <span>
            Page {data.page} of {data.totalPages}
          </span>
          <button type="button" disabled={!data.hasNextPage} onClick={() => setPage(page + 1)}>
            Next page
          </button>
        </nav>
      )}
    </>
  )
}

/**
 * What went wrong creating a user, said once: a field's error by the form's label ("Email:
 * …"), a duplicate email as such; the server's message when no field is named.
 */
export function userError(err: unknown): string {
  const fields = err instanceof ApiError ? err.fields : []
  if (fields.length === 0) return (err as Error).message
  const said = new Set<string>()
  for (const f of fields) {
    const label =
      f.path === 'password' ? 'Temporary password' : f.path.replace(/^./, (c) => c.toUpperCase())
    said.add(
      f.path === 'email' && /unique|already/i.test(f.message)
        ? 'A user with this email already exists.'
        : `${label}: ${f.message}`,
    )
  }
  return [...said].join(' ')
}
