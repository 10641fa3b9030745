import { createContext, useCallback, useContext, useSyncExternalStore } from 'react'
import type { StudioSchema } from '../../schema-types'
import type { DocumentSession } from './document-session'

/** What every field input needs: the open document, the schema (for relationships) and whether writing is allowed. */
export interface EditorContextValue {
  session: DocumentSession
  schema: StudioSchema
  readOnly: boolean
  /** The field that is the document's title (a slug follows it until edited). */
  titleField: string | null
}

export const EditorContext = createContext<EditorContextValue | null>(null)

export function useEditor(): EditorContextValue {
  const ctx = useContext(EditorContext)
  if (!ctx) throw new Error('Field inputs render inside an editor.')
  return ctx
}

/** The server's message for one field after a 422; re-renders only when that message changes. */
export function useFieldError(path: string): string | undefined {
  const { session } = useEditor()
  const read = useCallback(() => session.getState().fieldErrors[path], [session, path])
  return useSyncExternalStore(session.subscribe, read)
}

/** A DOM id for a field path. */
export function fieldId(path: string): string {
  return `field-${path.replace(/\./g, '-')}`
}
