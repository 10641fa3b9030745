import { lazy, Suspense, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { FieldSchema } from '../../schema-types'
import { useFieldValue } from './form-store'
import { ArrayField } from './array-field'
import { fieldId, useEditor } from './editor-context'
import { FieldFrame, FieldSet } from './field-frame'
import { RelationshipField } from './relationship-field'
import { slugify } from './slugify'
import { unsupportedRichText, type RichText } from './rich-text/rich-text-format'

// Its own chunk: Lexical loads the first time a rich text field is on screen.
const RichTextEditor = lazy(() =>
  import('./rich-text/rich-text-editor').then((m) => ({ default: m.RichTextEditor })),
)

/** The input for one field, by its type; `path` is where its value lives in the form. */
export function FieldInput({ field, path }: { field: FieldSchema; path: string }) {
  switch (field.type) {
    case 'text':
    case 'email':
      return <TextInput field={field} path={path} />
    case 'slug':
      return <SlugInput field={field} path={path} />
    case 'textarea':
      return <TextArea field={field} path={path} />
    case 'number':
      return <NumberInput field={field} path={path} />
    case 'checkbox':
      return <CheckboxInput field={field} path={path} />
    case 'date':
      return <DateInput field={field} path={path} />
    case 'select':
      return field.hasMany ? (
        <CheckboxList field={field} path={path} />
      ) : (
        <SelectInput field={field} path={path} />
      )
    case 'relationship':
      return <RelationshipField field={field} path={path} />
    case 'group':
      return (
        <FieldSet field={field} path={path}>
          {(field.fields ?? []).map((f) => (
            <FieldInput key={f.name} field={f} path={`${path}.${f.name}`} />
          ))}
        </FieldSet>
      )
    case 'array':
      return <ArrayField field={field} path={path} renderField={renderField} />
    case 'richText':
      return <RichTextInput field={field} path={path} />
    case 'json':
      return <JsonInput field={field} path={path} />
  }
}

function renderField(field: FieldSchema, path: string) {
  return <FieldInput key={field.name} field={field} path={path} />
}

type Props = { field: FieldSchema; path: string }

function TextInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <input
          {...a.control}
          type={field.type === 'email' ? 'email' : 'text'}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => session.store.set(path, e.target.value)}
          readOnly={readOnly}
        />
      )}
    </FieldFrame>
  )
}

/** A slug follows the title while it is empty or still what the title would make; editing it by hand stops that. */
function SlugInput({ field, path }: Props) {
  const { session, readOnly, titleField } = useEditor()
  const value = useFieldValue(session.store, path)
  const titlePath = titleField && !path.includes('.') ? titleField : null
  const title = useFieldValue(session.store, titlePath ?? '__none__')
  const lastTitle = useRef(typeof title === 'string' ? title : '')
  // A published address never changes by itself: only a never-published document follows.
  const unpublished = useSyncExternalStore(session.subscribe, () => {
    const status = session.getState().status
    return status === null || status === 'draft'
  })
  useEffect(() => {
    if (!titlePath || readOnly || !unpublished) {
      lastTitle.current = typeof title === 'string' ? title : ''
      return
    }
    const now = typeof title === 'string' ? title : ''
    const current = typeof value === 'string' ? value : ''
    if (now !== lastTitle.current && (current === '' || current === slugify(lastTitle.current)))
      session.store.set(path, slugify(now))
    lastTitle.current = now
  }, [title, titlePath, value, path, session, readOnly, unpublished])
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <input
          {...a.control}
          type="text"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => session.store.set(path, e.target.value)}
          readOnly={readOnly}
          spellCheck={false}
        />
      )}
    </FieldFrame>
  )
}

function TextArea({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <textarea
          {...a.control}
          rows={4}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => session.store.set(path, e.target.value)}
          readOnly={readOnly}
        />
      )}
    </FieldFrame>
  )
}

/** Keeps what is typed ("-", "1.") as text and stores a number only when there is one. */
function NumberInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '')
  // What the browser cannot read as a number ("1e999", "1e"): kept on screen, never stored.
  const [bad, setBad] = useState(false)
  const stored = typeof value === 'number' ? value : null
  const parsed = text.trim() === '' ? null : Number(text)
  if (!bad && parsed !== stored && !(parsed !== null && Number.isNaN(parsed)) && text !== '-') {
    // Changed from outside (a revert, their version): show it.
    setText(stored === null ? '' : String(stored))
  }
  return (
    <FieldFrame
      field={field}
      path={path}
      localError={bad ? 'Not a number this field can hold; it is not saved until it is one.' : null}
    >
      {(a) => (
        <input
          {...a.control}
          type="number"
          inputMode="decimal"
          value={text}
          min={field.min}
          max={field.max}
          step={field.integer ? 1 : 'any'}
          onChange={(e) => {
            const t = e.target.value.trim()
            // A number input reads "" both when emptied and when what is typed is no number.
            const unreadable =
              e.target.validity.badInput || (t !== '' && !Number.isFinite(Number(t)))
            setBad(unreadable)
            setText(e.target.value)
            if (unreadable) return
            if (t === '') session.store.set(path, null)
            else session.store.set(path, Number(t))
          }}
          readOnly={readOnly}
        />
      )}
    </FieldFrame>
  )
}

function CheckboxInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const id = fieldId(path)
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        disabled={readOnly}
        onChange={(e) => session.store.set(path, e.target.checked)}
      />
      <label htmlFor={id}>{field.label}</label>
    </div>
  )
}

/** ISO 8601 in storage, the editor's local time on screen. */
function DateInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <input
          {...a.control}
          type="datetime-local"
          value={typeof value === 'string' ? toLocalInput(value) : ''}
          onChange={(e) =>
            session.store.set(path, e.target.value ? new Date(e.target.value).toISOString() : null)
          }
          readOnly={readOnly}
        />
      )}
    </FieldFrame>
  )
}

function toLocalInput(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

function SelectInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <select
          {...a.control}
          value={typeof value === 'string' ? value : ''}
          disabled={readOnly}
          onChange={(e) => session.store.set(path, e.target.value || null)}
        >
          <option value="">—</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  )
}

/** A select with `hasMany`: one checkbox per option, in option order. */
function CheckboxList({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const chosen = Array.isArray(value) ? (value as string[]) : []
  const options = field.options ?? []
  const id = fieldId(path)
  return (
    <FieldSet field={field} path={path}>
      <div className="choices">
        {options.map((o) => (
          <span key={o.value} className="choice">
            <input
              id={`${id}-${o.value}`}
              type="checkbox"
              checked={chosen.includes(o.value)}
              disabled={readOnly}
              onChange={(e) => {
                const set = new Set(chosen)
                if (e.target.checked) set.add(o.value)
                else set.delete(o.value)
                session.store.set(
                  path,
                  options.map((x) => x.value).filter((v) => set.has(v)),
                )
              }}
            />
            <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
          </span>
        ))}
      </div>
    </FieldSet>
  )
}

/**
 * Rich text in the Lexical editor; a value the editor cannot show in full (a block type it
 * does not know) is edited as JSON instead, so opening a document never drops anything.
 */
function RichTextInput({ field, path }: Props) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const problem = unsupportedRichText(value)
  if (problem)
    return <JsonInput field={field} path={path} note={`Edited as JSON: it has ${problem}.`} />
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <Suspense
          fallback={
            <p className="rich-text-loading" aria-busy="true">
              Loading the editor…
            </p>
          }
        >
          <RichTextEditor
            id={a.id}
            labelId={`${a.id}-label`}
            describedBy={a.describedBy}
            invalid={a.invalid}
            required={field.required}
            readOnly={readOnly}
            value={(value as RichText | null | undefined) ?? null}
            onChange={(v) => session.store.set(path, v)}
          />
        </Suspense>
      )}
    </FieldFrame>
  )
}

/** JSON as text; the value changes only when the text parses. */
function JsonInput({ field, path, note }: Props & { note?: string }) {
  const { session, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const shown = useRef(value)
  const [text, setText] = useState(() => toJsonText(value))
  const [bad, setBad] = useState<string | null>(null)
  if (value !== shown.current) {
    // Replaced from outside: show the new value.
    shown.current = value
    const next = toJsonText(value)
    if (next !== text && !bad) setText(next)
  }
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <>
          <textarea
            id={a.id}
            className="code"
            rows={6}
            spellCheck={false}
            value={text}
            readOnly={readOnly}
            onChange={(e) => {
              setText(e.target.value)
              try {
                const parsed = e.target.value.trim() === '' ? null : JSON.parse(e.target.value)
                setBad(null)
                shown.current = parsed
                session.store.set(path, parsed)
              } catch (err) {
                setBad((err as Error).message)
              }
            }}
            aria-describedby={
              [a.describedBy, bad ? `${a.id}-json` : null].filter(Boolean).join(' ') || undefined
            }
            aria-invalid={a.invalid || !!bad || undefined}
          />
          {note && <p className="hint">{note}</p>}
          {bad && (
            <p className="field-error" id={`${a.id}-json`}>
              Not valid JSON yet, so not saved: {bad}
            </p>
          )}
        </>
      )}
    </FieldFrame>
  )
}

function toJsonText(v: unknown): string {
  return v === undefined || v === null ? '' : JSON.stringify(v, null, 2)
}
