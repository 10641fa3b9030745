import { useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useState } from 'react'
import { api, ApiError } from '../api/api-client'
import type { Doc, DocList } from '../api/documents'
import { useOpenEditor } from '../editor/editor-bridge'
import { EditorPage } from '../editor/editor-page'
import type { StudioSchema } from '../../schema-types'
import { listOpenReleases } from '../releases/release-api'
import {
  decodeFieldPath,
  documentKey,
  parseDocumentKey,
  type FrontendEvent,
} from './frontend-connection'
import { documentAt, pathOf, type PresentationConfig } from './locations'
import { SharedAccess } from './shared-access'
import { useFrontendFrame } from './use-frontend-frame'
import './presentation.css'

type Selected = { kind: 'collection' | 'global'; slug: string; id: string | null }

const DEVICES = [
  { label: 'Full width', width: null },
  { label: 'Desktop', width: 1280 },
  { label: 'Tablet', width: 768 },
  { label: 'Mobile', width: 375 },
] as const

/** `/admin/presentation`: the frontend in a frame beside the document editor. */
export function PresentationPage({ schema }: { schema: StudioSchema }) {
  const config = useQuery({
    queryKey: ['presentation-config'],
    queryFn: () => api<PresentationConfig>('/presentation'),
    retry: false,
    staleTime: Infinity,
  })
  if (config.isPending) return <p role="status">Loading…</p>
  if (config.isError) {
    const err = config.error as Error
    return (
      <>
        <h1>Presentation</h1>
        <p role="alert">
          {err instanceof ApiError && err.status === 404
            ? 'The presentation view is not set up on this server: pass createServer({ presentation: { url: "<your frontend>" } }).'
            : err.message}
        </p>
      </>
    )
  }
  return <Presentation config={config.data} schema={schema} />
}

function Presentation({ config, schema }: { config: PresentationConfig; schema: StudioSchema }) {
  const [perspective, setPerspective] = useState<string>('drafts')
  const [device, setDevice] = useState<(typeof DEVICES)[number]>(DEVICES[0])
  const [selected, setSelected] = useState<Selected | null>(null)
  const [focus, setFocus] = useState<{ key: string; path: string; n: number } | null>(null)
  const [overlays, setOverlays] = useState<number | null>(null)
  const releases = useQuery({
    queryKey: ['releases-for-presentation'],
    queryFn: listOpenReleases,
    retry: false,
  })
  const wire = perspective.startsWith('release:') ? [perspective.slice(8), 'drafts'] : perspective

  const onEvent = useCallback(
    (event: FrontendEvent) => {
      if (event.type === 'overlays') setOverlays(event.count)
      if (event.type === 'edit') {
        const doc = parseDocumentKey(event.document)
        if (!doc) return
        setSelected(doc)
        setFocus((f) => ({
          key: event.document,
          path: decodeFieldPath(event.path),
          n: (f?.n ?? 0) + 1,
        }))
      }
      if (event.type === 'hello' || event.type === 'navigated') {
        const at = documentAt(config.locations, new URL(event.url).pathname)
        if (!at) return
        if (at.kind === 'global') return setSelected({ kind: 'global', slug: at.slug, id: null })
        const query = Object.entries(at.where)
          .map(
            ([field, value]) =>
              `where[${encodeURIComponent(field)}][equals]=${encodeURIComponent(value)}`,
          )
          .join('&')
        api<DocList>(`/${at.slug}?${query}&limit=1&depth=0&draft=true`)
          .then(({ docs }) => {
            const id = docs[0]?.id
            if (id)
              setSelected((s) =>
                s?.slug === at.slug && s.id === id ? s : { kind: 'collection', slug: at.slug, id },
              )
          })
          .catch(() => {})
      }
    },
    [config.locations],
  )
  const frame = useFrontendFrame({ config, perspective: wire, onEvent })

  // Live preview: every change in the open editor goes to the frontend, before any save.
  const editor = useOpenEditor(selected ?? undefined)
  useEffect(() => {
    if (!editor || editor.id === null || perspective === 'published') return
    const key = documentKey(editor.kind, editor.slug, editor.id)
    const send = () => frame.send({ type: 'draft', document: key, values: editor.values() })
    send()
    return editor.subscribe(send)
    // frame.send reads the current connection; re-subscribing per render is not needed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor, perspective, frame.status])

  // A click on an overlay focuses its field once that document's editor is open.
  useEffect(() => {
    if (!focus || !editor || documentKey(editor.kind, editor.slug, editor.id) !== focus.key) return
    const timer = setTimeout(() => editor.focusField(focus.path), 0)
    setFocus(null)
    return () => clearTimeout(timer)
  }, [focus, editor])

  // Choosing a document here shows it in the frame.
  async function choose(next: Selected) {
    setSelected(next)
    const values =
      next.kind === 'global'
        ? await api<Doc>(`/globals/${next.slug}?draft=true&depth=0`)
        : await api<Doc>(`/${next.slug}/${encodeURIComponent(next.id!)}?draft=true&depth=0`)
    const path = pathOf(config.locations, { kind: next.kind, slug: next.slug, values })
    if (!path || path === frame.path) return
    if (frame.connected()) frame.send({ type: 'navigate', path })
    else frame.reload(path)
  }

  const entity =
    selected &&
    (selected.kind === 'collection'
      ? schema.collections.find((c) => c.slug === selected.slug)
      : schema.globals.find((g) => g.slug === selected.slug))

  return (
    <div className="presentation">
      <h1 className="visually-hidden">Presentation</h1>
      <section className="presentation-preview" aria-label="Preview">
        <div className="presentation-toolbar">
          <label htmlFor="presentation-perspective">Perspective</label>{' '}
          <select
            id="presentation-perspective"
            value={perspective}
            onChange={(e) => setPerspective(e.target.value)}
          >
            <option value="drafts">Drafts</option>
            <option value="published">Published</option>
            {(releases.data?.docs ?? []).map((r) => (
              <option key={r.id} value={`release:${r.id}`}>
                Release: {r.title ?? r.id}
              </option>
            ))}
          </select>
          <fieldset className="presentation-devices">
            <legend>Device</legend>
            {DEVICES.map((d) => (
              <button
                key={d.label}
                type="button"
                aria-pressed={device === d}
                onClick={() => setDevice(d)}
              >
                {d.label}
              </button>
            ))}
          </fieldset>
          <DocumentPicker
            config={config}
            schema={schema}
            selected={selected}
            onChoose={(s) => void choose(s)}
          />
          <SharedAccess pathname={frame.path} perspective={wire} />
          <span role="status" className={`presentation-status presentation-${frame.status}`}>
            {frame.status === 'connected'
              ? `Connected${overlays !== null ? ` · ${overlays} editable` : ''}`
              : frame.status === 'lost'
                ? 'Reconnecting…'
                : frame.status === 'failed'
                  ? 'Not connected'
                  : 'Connecting…'}
          </span>
        </div>
        {frame.error && (
          <div className="presentation-error" role="alert">
            <strong>Cannot connect to the frontend.</strong> {frame.error}{' '}
            <button type="button" onClick={() => frame.reload()}>
              Try again
            </button>
          </div>
        )}
        <div className="presentation-stage">
          <iframe
            ref={frame.frame}
            title="Frontend preview"
            src={frame.src ?? undefined}
            className="presentation-frame"
            style={device.width ? { width: `${device.width}px` } : undefined}
          />
        </div>
      </section>
      <section className="presentation-editor" aria-label="Document editor">
        {entity ? (
          <EditorPage
            key={`${selected!.kind}:${selected!.slug}:${selected!.id}`}
            entity={entity}
            kind={selected!.kind}
            routeId={selected!.id}
          />
        ) : (
          <p className="muted">
            Click a marked text in the preview, or choose a document, to edit it here.
          </p>
        )}
      </section>
    </div>
  )
}

function DocumentPicker(props: {
  config: PresentationConfig
  schema: StudioSchema
  selected: Selected | null
  onChoose: (s: Selected) => void
}) {
  const slugs = [
    ...new Set(props.config.locations.map((l) => l.collection).filter(Boolean)),
  ] as string[]
  const lists = useQuery({
    queryKey: ['presentation-docs', slugs],
    queryFn: async () =>
      Promise.all(
        slugs.map(async (slug) => ({
          slug,
          docs: (await api<DocList>(`/${slug}?limit=100&depth=0&draft=true`)).docs,
        })),
      ),
  })
  const value =
    props.selected?.kind === 'collection' ? `${props.selected.slug}/${props.selected.id}` : ''
  return (
    <span>
      <label htmlFor="presentation-document">Document</label>{' '}
      <select
        id="presentation-document"
        value={value}
        onChange={(e) => {
          const [slug, ...rest] = e.target.value.split('/')
          if (slug) props.onChoose({ kind: 'collection', slug, id: rest.join('/') })
        }}
      >
        <option value="">Choose…</option>
        {(lists.data ?? []).map(({ slug, docs }) => {
          const collection = props.schema.collections.find((c) => c.slug === slug)
          const titleField = collection?.useAsTitle ?? 'id'
          return (
            <optgroup key={slug} label={collection?.labels.plural ?? slug}>
              {docs.map((d) => (
                <option key={d.id} value={`${slug}/${d.id}`}>
                  {String(d[titleField] ?? d.id)}
                </option>
              ))}
            </optgroup>
          )
        })}
      </select>
    </span>
  )
}
