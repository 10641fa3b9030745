import { useSyncExternalStore } from 'react'
import type { FieldSchema } from '../../schema-types'
import type { DocumentSession, SessionState } from './document-session'
import { fieldId } from './editor-context'
import type { Values } from './form-store'

/**
 * The editors open on screen, for views built around them (the presentation view's live
 * preview): each editor registers here while it is mounted. Read the live form values with
 * `editor.values()` and `editor.subscribe(fn)` (called after every change, keystrokes
 * included, before any save); move the caret to a field with `editor.focusField(path)`.
 *
 * @example
 * const editor = useOpenEditor({ kind: 'collection', slug: 'posts', id })
 * useEffect(() => editor?.subscribe(() => send(editor.values())), [editor])
 * editor?.focusField('seo.title')
 */
export interface OpenEditor {
  kind: 'collection' | 'global'
  slug: string
  /** The document's id (the slug for a global); null until a new document's first save. */
  id: string | null
  fields: FieldSchema[]
  /** The form's values now (a new object after every change; unchanged parts keep their identity). */
  values(): Values
  /** Called after every change of the values; returns the unsubscribe function. */
  subscribe(fn: (values: Values) => void): () => void
  /** Save state: phase, revision, status ("draft" | "published" | "changed"). */
  state(): SessionState
  /**
   * Scroll to the input of a dotted field path (`title`, `seo.title`, `nav.0.label`) and focus
   * it, opening any closed `<details>` around it; a group or array focuses its first input.
   * Returns false when no such field is on screen.
   */
  focusField(path: string): boolean
  /** The open document's session (saving, publishing), for views that act on it. */
  session: DocumentSession
}

const open = new Set<OpenEditor>()
const listeners = new Set<() => void>()
let snapshot: readonly OpenEditor[] = []

function emit() {
  snapshot = [...open]
  for (const fn of listeners) fn()
}

/** Called by the editor page while it is mounted; returns the function that unregisters it. */
export function registerEditor(editor: OpenEditor): () => void {
  open.add(editor)
  emit()
  return () => {
    open.delete(editor)
    emit()
  }
}

/** The editors open now, oldest first. */
export function openEditors(): readonly OpenEditor[] {
  return snapshot
}

/** Told whenever an editor opens, closes or learns its new id. */
export function subscribeEditors(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** The open editor of one document (or the newest editor when `match` is omitted); re-renders when that changes. */
export function useOpenEditor(match?: {
  kind: 'collection' | 'global'
  slug: string
  id?: string | null
}): OpenEditor | null {
  const editors = useSyncExternalStore(subscribeEditors, openEditors)
  const found = match
    ? editors.filter(
        (e) =>
          e.kind === match.kind &&
          e.slug === match.slug &&
          (match.id === undefined || e.id === match.id),
      )
    : editors
  return found[found.length - 1] ?? null
}

/** Build the bridge entry of one editor (see `registerEditor`). */
export function openEditorOf(
  session: DocumentSession,
  target: { kind: 'collection' | 'global'; slug: string; fields: FieldSchema[] },
  id: string | null,
): OpenEditor {
  return {
    ...target,
    id,
    session,
    values: () => session.store.values,
    subscribe: (fn) => session.store.subscribe(() => fn(session.store.values)),
    state: () => session.getState(),
    focusField: (path) => focusField(path),
  }
}

/** Focus the input of a field path in the page (see `OpenEditor.focusField`). */
export function focusField(path: string, root: Document = document): boolean {
  const el = root.getElementById(fieldId(path))
  if (!el) return false
  for (let p: HTMLElement | null = el; p; p = p.parentElement)
    if (p instanceof HTMLDetailsElement && !p.open) p.open = true
  const target = isFocusable(el)
    ? el
    : el.querySelector<HTMLElement>('input, select, textarea, [contenteditable="true"], button')
  el.scrollIntoView({ block: 'center' })
  ;(target ?? el).focus({ preventScroll: true })
  return true
}

function isFocusable(el: HTMLElement): boolean {
  return (
    el instanceof HTMLInputElement ||
    el instanceof HTMLSelectElement ||
    el instanceof HTMLTextAreaElement ||
    el.isContentEditable
  )
}
