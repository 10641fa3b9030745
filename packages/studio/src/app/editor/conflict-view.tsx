import type { FieldSchema } from '../../schema-types'
import type { Doc } from '../api/documents'
import type { DocumentSession } from './document-session'
import { formatTime } from '../ui/format'

/**
 * After a 409: someone saved in between. Shows, field by field, where their version and
 * this editor's differ, and lets the editor keep theirs or write theirs over with mine.
 * Nothing is dropped until the editor chooses.
 */
export function ConflictView({
  session,
  theirs,
  fields,
}: {
  session: DocumentSession
  theirs: Doc
  fields: FieldSchema[]
}) {
  const mine = session.store.values
  const differing = fields.filter((f) => show(mine[f.name]) !== show(theirs[f.name]))
  return (
    <section className="conflict" aria-labelledby="conflict-title">
      <h2 id="conflict-title">Someone else changed this document</h2>
      <p>
        Their version was saved at {formatTime(theirs.updatedAt)}. Your changes are kept here;
        choose which version to continue with.
      </p>
      {differing.length > 0 ? (
        <table>
          <caption className="visually-hidden">Fields that differ</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Your version</th>
              <th scope="col">Their version</th>
            </tr>
          </thead>
          <tbody>
            {differing.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.label}</th>
                <td>
                  <pre>{show(mine[f.name])}</pre>
                </td>
                <td>
                  <pre>{show(theirs[f.name])}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>The two versions hold the same content.</p>
      )}
      <div className="conflict-actions">
        <button type="button" className="primary" onClick={() => void session.keepMine()}>
          Keep mine
        </button>
        <button type="button" onClick={() => session.takeTheirs()}>
          Take theirs
        </button>
      </div>
    </section>
  )
}

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '(empty)'
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2)
}
