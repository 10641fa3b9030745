import { useQuery } from '@tanstack/react-query'
import { memo, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { Link, useLocation } from 'wouter'
import { api, qs } from '../api/api-client'
import { STATUS_TEXT, type Doc } from '../api/documents'
import { useSchema } from '../auth/use-session'
import type { CollectionSchema, FieldSchema, GlobalSchema } from '../../schema-types'
import { ConflictView } from './conflict-view'
import { ReleaseControls } from '../releases/release-controls'
import { DocumentActions } from './document-actions'
import { DocumentSession } from './document-session'
import { openEditorOf, registerEditor } from './editor-bridge'
import { EditorContext } from './editor-context'
import { PreviewPanel } from './preview-panel'
import { FieldInput } from './field-inputs'
import { guardLeaving } from './leave-guard'
import { useFieldValue } from './form-store'
import { SaveStatus } from './save-status'

type Entity = CollectionSchema | GlobalSchema

/**
 * `/collections/:collection/:id`, `/collections/:collection/create` and `/globals/:slug`.
 * One component serves `create` and the id the first save gives it, so the form (and what is
 * typed meanwhile) survives the address changing to the new document's.
 */
export function EditorPage(props: {
  entity: Entity
  kind: 'collection' | 'global'
  routeId: string | null
}) {
  const created = useRef<string | null>(null)
  const [instance, setInstance] = useState({ n: 0, routeId: props.routeId })
  if (props.routeId !== instance.routeId) {
    const adopt = props.routeId !== null && props.routeId === created.current
    setInstance({ n: adopt ? instance.n : instance.n + 1, routeId: props.routeId })
    if (!adopt) created.current = null
  }
  return (
    <DocumentEditor
      key={instance.n}
      {...props}
      onCreated={(id) => {
        created.current = id
      }}
    />
  )
}

function DocumentEditor({
  entity,
  kind,
  routeId,
  onCreated,
}: {
  entity: Entity
  kind: 'collection' | 'global'
  routeId: string | null
  onCreated: (id: string) => void
}) {
  // Fixed for this instance: after the first save the address names the new id, but the
  // form already holds the document and must not be swapped for a loading screen.
  const [isNew] = useState(kind === 'collection' && routeId === 'create')
  const drafts = entity.permissions.readDrafts
  const path =
    kind === 'global'
      ? `/globals/${entity.slug}`
      : `/${entity.slug}/${encodeURIComponent(routeId ?? '')}`
  const doc = useQuery({
    queryKey: ['doc', kind, entity.slug, routeId],
    queryFn: () => api<Doc>(`${path}${qs({ draft: drafts || undefined })}`),
    enabled: !isNew,
    staleTime: 0,
    gcTime: 0,
  })
  if (isNew) return <LoadedEditor entity={entity} kind={kind} doc={null} onCreated={onCreated} />
  if (doc.isPending) return <p role="status">Loading…</p>
  if (doc.isError)
    return (
      <>
        <h1>Could not open this document</h1>
        <p role="alert">{(doc.error as Error).message}</p>
        {kind === 'collection' && (
          <p>
            <Link href={`/collections/${entity.slug}`}>
              Back to {(entity as CollectionSchema).labels.plural}
            </Link>
          </p>
        )}
      </>
    )
  return <LoadedEditor entity={entity} kind={kind} doc={doc.data} onCreated={onCreated} />
}

function LoadedEditor({
  entity,
  kind,
  doc,
  onCreated,
}: {
  entity: Entity
  kind: 'collection' | 'global'
  doc: Doc | null
  onCreated: (id: string) => void
}) {
  const schema = useSchema().data!
  const [, navigate] = useLocation()
  const exists = doc !== null
  const [session] = useState(
    () =>
      new DocumentSession(
        {
          kind,
          slug: entity.slug,
          drafts: entity.versions.drafts,
          autosave: entity.versions.autosave,
          autosaveInterval: entity.versions.autosaveInterval,
          fields: entity.fields,
          canWrite: exists ? entity.permissions.update : entity.permissions.create,
        },
        doc,
      ),
  )
  const state = useSyncExternalStore(session.subscribe, session.getState)
  useEffect(() => session.attach(), [session])
  useEffect(() => {
    session.onCreated = (id) => {
      onCreated(id)
      navigate(`/collections/${entity.slug}/${encodeURIComponent(id)}`, { replace: true })
    }
  }, [session, onCreated, navigate, entity.slug])

  // Views around the editor (presentation) read its live values and focus its fields.
  useEffect(
    () =>
      registerEditor(
        openEditorOf(session, { kind, slug: entity.slug, fields: entity.fields }, state.id),
      ),
    [session, kind, entity, state.id],
  )

  // Ctrl/Cmd+S saves (the draft, where there are drafts) instead of saving the web page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault()
        void session.save()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [session])

  // Following a link inside the Studio, or the browser's Back or Forward, with changes that
  // will not be saved on the way out (no autosave, or the last save failed) asks first.
  useEffect(
    () =>
      guardLeaving(() => {
        const phase = session.getState().phase
        return (
          session.dirty && (!session.target.autosave || phase === 'error' || phase === 'conflict')
        )
      }),
    [session],
  )

  // Leaving the page with changes the server does not have asks first.
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (session.dirty || session.getState().phase === 'saving') e.preventDefault()
    }
    window.addEventListener('beforeunload', onLeave)
    return () => window.removeEventListener('beforeunload', onLeave)
  }, [session])

  const titleField = 'useAsTitle' in entity ? entity.useAsTitle : null
  const readOnly = !(state.id === null ? entity.permissions.create : entity.permissions.update)
  const singular = 'labels' in entity ? entity.labels.singular : entity.label
  // One value while these hold, so that a save's state change re-renders no field.
  const context = useMemo(
    () => ({ session, schema, readOnly, titleField }),
    [session, schema, readOnly, titleField],
  )
  return (
    <EditorContext.Provider value={context}>
      <div className="editor-head">
        <div>
          <p className="breadcrumb">
            {kind === 'collection' ? (
              <Link href={`/collections/${entity.slug}`}>
                {(entity as CollectionSchema).labels.plural}
              </Link>
            ) : (
              'Globals'
            )}
          </p>
          <h1>
            <EditorTitle
              session={session}
              titleField={titleField}
              fallback={state.id === null ? `New ${singular.toLowerCase()}` : singular}
            />
          </h1>
          <p className="meta">
            {entity.versions.drafts && state.status && (
              <span className={`status status-${state.status}`}>{STATUS_TEXT[state.status]}</span>
            )}
            {state.id !== null && (
              <Link
                href={
                  kind === 'global'
                    ? `/globals/${entity.slug}/history`
                    : `/collections/${entity.slug}/${encodeURIComponent(state.id)}/history`
                }
              >
                History
              </Link>
            )}
          </p>
        </div>
        <SaveStatus state={state} />
      </div>
      <DocumentActions
        session={session}
        state={state}
        entity={entity}
        kind={kind}
        onDeleted={() => navigate(`/collections/${entity.slug}`)}
      />
      {entity.preview && schema.previewUrl && entity.permissions.readDrafts && state.id && (
        <PreviewPanel session={session} kind={kind} slug={entity.slug} id={state.id} />
      )}
      {kind === 'collection' &&
        entity.versions.drafts &&
        entity.permissions.publish &&
        state.id && (
          <ReleaseControls
            collection={entity.slug}
            id={state.id}
            values={() => session.store.values as Record<string, unknown>}
          />
        )}
      {state.message && state.phase === 'error' && (
        <p className="error" role="alert">
          {state.message}
        </p>
      )}
      {state.theirs && (
        <ConflictView session={session} theirs={state.theirs} fields={entity.fields} />
      )}
      <EditorForm session={session} fields={entity.fields} />
    </EditorContext.Provider>
  )
}

function EditorTitle({
  session,
  titleField,
  fallback,
}: {
  session: DocumentSession
  titleField: string | null
  fallback: string
}) {
  const title = useFieldValue(session.store, titleField ?? '__none__')
  return <>{typeof title === 'string' && title.trim() ? title : fallback}</>
}

/** The fields; memoised, so a save's state change does not re-render every input. */
const EditorForm = memo(function EditorForm({
  session,
  fields,
}: {
  session: DocumentSession
  fields: FieldSchema[]
}) {
  return (
    <form
      className="editor-form"
      aria-label="Document fields"
      onSubmit={(e) => {
        e.preventDefault()
        void session.save()
      }}
    >
      {fields.map((f) => (
        <FieldInput key={f.name} field={f} path={f.name} />
      ))}
    </form>
  )
})
