import type { ReactNode } from 'react'
import type { FieldSchema } from '../../schema-types'
import { useEditor } from './editor-context'
import { FieldSet } from './field-frame'
import { useFieldValue } from './form-store'

type Row = Record<string, unknown> & { id?: string }

/**
 * Rows of nested fields with add, remove and reorder. Every row carries an `id` (the server
 * keeps it), which is also its React key, so moving a row moves its inputs and their focus.
 */
export function ArrayField({
  field,
  path,
  renderField,
}: {
  field: FieldSchema
  path: string
  /** The input of a nested field (passed in, so this module and the inputs do not import each other). */
  renderField: (field: FieldSchema, path: string) => ReactNode
}) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const rows = Array.isArray(value) ? (value as Row[]) : []
  const label = field.label
  const set = (next: Row[]) => session.store.set(path, next)
  const canAdd = !readOnly && (field.maxRows === undefined || rows.length < field.maxRows)
  const move = (i: number, by: number) => {
    const next = rows.slice()
    const [row] = next.splice(i, 1)
    next.splice(i + by, 0, row!)
    set(next)
  }
  return (
    <FieldSet field={field} path={path}>
      {rows.length === 0 && <p className="muted">No rows yet.</p>}
      <ol className="rows">
        {rows.map((row, i) => (
          <li key={row.id ?? `index-${i}`} className="row">
            <fieldset>
              <legend>
                {label} {i + 1}
              </legend>
              {(field.fields ?? []).map((f) => renderField(f, `${path}.${i}.${f.name}`))}
              {!readOnly && (
                <div className="row-actions">
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                    Move {label} {i + 1} up
                  </button>
                  <button type="button" disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                    Move {label} {i + 1} down
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => set(rows.filter((_, j) => j !== i))}
                  >
                    Remove {label} {i + 1}
                  </button>
                </div>
              )}
            </fieldset>
          </li>
        ))}
      </ol>
      {canAdd && (
        <button type="button" onClick={() => set([...rows, { id: newRowId() }])}>
          Add {label}
        </button>
      )}
    </FieldSet>
  )
}

function newRowId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 24)
}
