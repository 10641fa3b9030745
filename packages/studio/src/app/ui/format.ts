/** A time as the editor's locale shows it, with seconds (autosaves are seconds apart). */
export function formatTime(iso: string | number | Date): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime())
    ? String(iso)
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

/** The title of a document: its `useAsTitle` field, else its id. */
export function titleOf(doc: Record<string, unknown>, useAsTitle: string | null): string {
  const v = useAsTitle ? doc[useAsTitle] : undefined
  return typeof v === 'string' && v.trim() ? v : `Untitled (${String(doc.id ?? 'new')})`
}
