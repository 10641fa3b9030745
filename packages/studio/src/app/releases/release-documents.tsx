import { useId, useState, type FormEvent } from 'react'
import type { StudioSchema } from '../../schema-types'
import type { ReleaseDocument } from './release-api'

/** The documents of a release: change against published, validation, and Remove when open. */
export function DocumentTable({
  schema,
  docs,
  onRemove,
}: {
  schema: StudioSchema
  docs: ReleaseDocument[]
  onRemove?: (d: ReleaseDocument) => void
}) {
  if (docs.length === 0)
    return (
      <p className="muted">
        No documents yet: open a document and use “Add to release” in its editor.
      </p>
    )
  const titleOf = (d: ReleaseDocument) => {
    const c = schema.collections.find((x) => x.slug === d.collection)
    const data = d.content ?? d.published ?? {}
    const t = c?.useAsTitle ? data[c.useAsTitle] : undefined
    return typeof t === 'string' && t ? t : d.id
  }
  return (
    <table className="docs">
      <caption className="visually-hidden">Documents in this release</caption>
      <thead>
        <tr>
          <th scope="col">Document</th>
          <th scope="col">Action</th>
          <th scope="col">Changes</th>
          <th scope="col">Validation</th>
          {onRemove && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {docs.map((d) => (
          <tr key={`${d.collection}/${d.id}`}>
            <td>
              <a href={`/admin/collections/${d.collection}/${encodeURIComponent(d.id)}`}>
                {titleOf(d)}
              </a>{' '}
              <span className="muted">({d.collection})</span>
            </td>
            <td>{d.action === 'publish' ? 'Publish' : 'Unpublish'}</td>
            <td>
              {d.changes.length === 0 ? (
                <span className="muted">No changes</span>
              ) : (
                <ul className="release-changes">
                  {d.changes.map((c) => (
                    <li key={c.field}>
                      {c.field}: <del>{short(c.published)}</del> → <ins>{short(c.release)}</ins>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              {d.valid ? (
                <span className="release-valid">Valid</span>
              ) : (
                <span className="release-invalid">
                  Invalid: {d.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}
                </span>
              )}
            </td>
            {onRemove && (
              <td>
                <button type="button" onClick={() => onRemove(d)}>
                  Remove <span className="visually-hidden">{titleOf(d)} from the release</span>
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '(empty)'
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 80 ? `${s.slice(0, 80)}…` : s
}

/** "Unpublish a document" with this release: pick the collection, give the document's id. */
export function UnpublishForm({
  schema,
  onAdd,
}: {
  schema: StudioSchema
  onAdd: (collection: string, id: string) => Promise<void>
}) {
  const hid = useId()
  const collections = schema.collections.filter((c) => c.permissions.publish && c.versions.drafts)
  const [collection, setCollection] = useState(collections[0]?.slug ?? '')
  const [docId, setDocId] = useState('')
  if (collections.length === 0) return null
  async function submit(e: FormEvent) {
    e.preventDefault()
    await onAdd(collection, docId.trim())
    setDocId('')
  }
  return (
    <form className="release-actions" onSubmit={submit} aria-labelledby={`${hid}-h`}>
      <h3 id={`${hid}-h`}>Unpublish a document with this release</h3>
      <label htmlFor={`${hid}-c`}>Collection</label>
      <select id={`${hid}-c`} value={collection} onChange={(e) => setCollection(e.target.value)}>
        {collections.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.labels.plural}
          </option>
        ))}
      </select>
      <label htmlFor={`${hid}-id`}>Document id</label>
      <input
        id={`${hid}-id`}
        required
        maxLength={64}
        value={docId}
        onChange={(e) => setDocId(e.target.value)}
      />
      <button type="submit">Add unpublish</button>
    </form>
  )
}
