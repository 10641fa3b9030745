import type { DocumentMeta } from '@galley/client'

const LABELS: Record<DocumentMeta['_status'], string | null> = {
  published: null,
  changed: 'Unpublished changes',
  draft: 'Never published',
}

/** In preview, says which posts differ from what the public sees. */
export function StatusBadge({ status }: { status: DocumentMeta['_status'] }) {
  const label = LABELS[status]
  return label ? <span className={`badge badge-${status}`}>{label}</span> : null
}
