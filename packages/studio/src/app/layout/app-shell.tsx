import { useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link, useLocation } from 'wouter'
import { api, setCsrfToken } from '../api/api-client'
import { setExpired } from '../auth/use-session'
import type { StudioSchema } from '../../schema-types'
import { EXTRA_NAV } from '../extra-pages'

/** The frame around every signed-in screen: navigation from the schema, who is signed in, log out. */
export function AppShell({ schema, children }: { schema: StudioSchema; children: ReactNode }) {
  const client = useQueryClient()
  const [location] = useLocation()
  async function logout() {
    try {
      await api('/auth/logout', { method: 'POST' })
    } finally {
      setCsrfToken(null)
      setExpired(false)
      client.setQueryData(['me'], null)
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' })
    }
  }
  const current = (href: string) =>
    location === href || location.startsWith(`${href}/`) ? 'page' : undefined
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Galley Studio
        </Link>
        <div className="who">
          <span>
            {schema.user.email ?? schema.user.name ?? schema.user.id}{' '}
            <span className="muted">({schema.user.role})</span>
          </span>
          <button type="button" onClick={logout}>
            Log out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Content">
        {contentCollections(schema).length > 0 && (
          <>
            <h2>Collections</h2>
            <ul>
              {contentCollections(schema).map((c) => (
                <li key={c.slug}>
                  <Link
                    href={`/collections/${c.slug}`}
                    aria-current={current(`/collections/${c.slug}`)}
                  >
                    {c.labels.plural}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
        {EXTRA_NAV.length > 0 && (
          <>
            <h2>Publishing</h2>
            <ul>
              {EXTRA_NAV.map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={current(n.href)}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
        {schema.globals.length > 0 && (
          <>
            <h2>Globals</h2>
            <ul>
              {schema.globals.map((g) => (
                <li key={g.slug}>
                  <Link href={`/globals/${g.slug}`} aria-current={current(`/globals/${g.slug}`)}>
                    {g.label}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>Admin</h2>
        <ul>
          <li>
            <Link href="/users" aria-current={current('/users')}>
              Users
            </Link>
          </li>
          <li>
            <Link href="/tokens" aria-current={current('/tokens')}>
              API tokens
            </Link>
          </li>
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}

/** The collections of content in the navigation: users have their own screen under Admin. */
export function contentCollections(schema: StudioSchema) {
  return schema.collections.filter((c) => c.slug !== 'users')
}
