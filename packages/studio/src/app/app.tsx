import { Suspense, type ReactNode } from 'react'
import { Route, Router, Switch, Link } from 'wouter'
import { LoginPage } from './auth/login-page'
import { setExpired, useExpired, useMe, useSchema } from './auth/use-session'
import { EditorPage } from './editor/editor-page'
import { PresentationPage, ReleasesPage } from './extra-pages'
import { TokensPage } from './admin/tokens-page'
import { UsersPage } from './admin/users-page'
import { HistoryPage } from './history/history-page'
import { AppShell, contentCollections } from './layout/app-shell'
import { ListPage } from './list/list-page'
import type { StudioSchema } from '../schema-types'

/** The Studio: login until signed in, then the routes of DESIGN.md under `/admin`. */
export function App() {
  const me = useMe()
  const schema = useSchema(!!me.data)
  const expired = useExpired()
  if (me.isPending) return <Loading />
  if (me.isError) return <Failed message={(me.error as Error).message} />
  if (!me.data) return <LoginPage />
  if (schema.isPending) return <Loading />
  if (schema.isError) return <Failed message={(schema.error as Error).message} />
  const user = me.data.user.id
  return (
    <Router base="/admin">
      <AppShell schema={schema.data}>
        <Routes schema={schema.data} />
      </AppShell>
      {expired && (
        <LoginPage
          onSignedIn={(again) => {
            // Someone else signing in gets a fresh app, not the previous user's screen.
            if (again.user.id !== user) window.location.reload()
            else setExpired(false)
          }}
        />
      )}
    </Router>
  )
}

function Routes({ schema }: { schema: StudioSchema }) {
  const collection = (slug: string) => schema.collections.find((c) => c.slug === slug)
  const global = (slug: string) => schema.globals.find((g) => g.slug === slug)
  return (
    <Switch>
      <Route path="/collections/:collection/:id/history">
        {(p) =>
          collection(p.collection) ? (
            <HistoryPage entity={collection(p.collection)!} id={p.id} />
          ) : (
            <NotFound what={`collection '${p.collection}'`} />
          )
        }
      </Route>
      <Route path="/collections/:collection/:id">
        {(p) =>
          collection(p.collection) ? (
            <EditorPage
              key={`c:${p.collection}`}
              entity={collection(p.collection)!}
              kind="collection"
              routeId={p.id}
            />
          ) : (
            <NotFound what={`collection '${p.collection}'`} />
          )
        }
      </Route>
      <Route path="/collections/:collection">
        {(p) =>
          collection(p.collection) ? (
            <ListPage key={p.collection} collection={collection(p.collection)!} />
          ) : (
            <NotFound what={`collection '${p.collection}'`} />
          )
        }
      </Route>
      <Route path="/globals/:slug/history">
        {(p) =>
          global(p.slug) ? (
            <HistoryPage entity={global(p.slug)!} kind="global" id={p.slug} />
          ) : (
            <NotFound what={`global '${p.slug}'`} />
          )
        }
      </Route>
      <Route path="/globals/:slug">
        {(p) =>
          global(p.slug) ? (
            <EditorPage key={`g:${p.slug}`} entity={global(p.slug)!} kind="global" routeId={null} />
          ) : (
            <NotFound what={`global '${p.slug}'`} />
          )
        }
      </Route>
      <Route path="/users">
        <UsersPage schema={schema} />
      </Route>
      <Route path="/tokens">
        <TokensPage schema={schema} />
      </Route>
      {PresentationPage && (
        <Route path="/presentation" nest>
          <Lazy>
            <PresentationPage schema={schema} />
          </Lazy>
        </Route>
      )}
      {ReleasesPage && (
        <Route path="/releases" nest>
          <Lazy>
            <ReleasesPage schema={schema} />
          </Lazy>
        </Route>
      )}
      <Route path="/">
        <Home schema={schema} />
      </Route>
      <Route>
        <NotFound what="such page" />
      </Route>
    </Switch>
  )
}

function Home({ schema }: { schema: StudioSchema }) {
  return (
    <>
      <h1>Content</h1>
      <ul className="cards">
        {contentCollections(schema).map((c) => (
          <li key={c.slug}>
            <Link href={`/collections/${c.slug}`}>{c.labels.plural}</Link>
          </li>
        ))}
        {schema.globals.map((g) => (
          <li key={g.slug}>
            <Link href={`/globals/${g.slug}`}>{g.label}</Link>
          </li>
        ))}
      </ul>
    </>
  )
}

function NotFound({ what }: { what: string }) {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no {what} here. <Link href="/">Back to the content</Link>
      </p>
    </>
  )
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>
}

function Loading() {
  return (
    <p className="loading" role="status">
      Loading…
    </p>
  )
}

function Failed({ message }: { message: string }) {
  return (
    <main className="login">
      <h1>Galley Studio</h1>
      <p role="alert">The Studio could not load: {message}</p>
    </main>
  )
}
