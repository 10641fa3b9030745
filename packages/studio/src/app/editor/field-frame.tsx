import type { ReactNode } from 'react'
import type { FieldSchema } from '../../schema-types'
import { fieldId, useFieldError } from './editor-context'

/** The attributes that tie an input to its label, hint and error (spread onto the input). */
export interface ControlProps {
  id: string
  'aria-describedby': string | undefined
  'aria-invalid': true | undefined
  'aria-required': true | undefined
}

/** Label, hint and error around one input; the input gets its `control` attributes from here. */
export function FieldFrame({
  field,
  path,
  localError,
  children,
}: {
  field: FieldSchema
  path: string
  /** What the input itself knows is wrong before any save (shown before the server's). */
  localError?: string | null
  children: (props: {
    id: string
    describedBy: string | undefined
    invalid: boolean
    control: ControlProps
  }) => ReactNode
}) {
  const id = fieldId(path)
  const serverError = useFieldError(path)
  const error = localError || serverError
  const hint = hintOf(field)
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className={`field field-${field.type}${error ? ' has-error' : ''}`}>
      <div className="label-row">
        <label htmlFor={id} id={`${id}-label`}>
          {field.label}
        </label>
        {/* Outside the label, so the input's name is the label alone; aria-required says it. */}
        {field.required && (
          <span className="required" aria-hidden="true" title="Required">
            *
          </span>
        )}
      </div>
      {children({
        id,
        describedBy: describedBy || undefined,
        invalid: !!error,
        control: {
          id,
          'aria-describedby': describedBy || undefined,
          'aria-invalid': error ? true : undefined,
          'aria-required': field.required ? true : undefined,
        },
      })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

/** A fieldset (group, array, checkbox list) with its legend and error. */
export function FieldSet({
  field,
  path,
  children,
}: {
  field: FieldSchema
  path: string
  children: ReactNode
}) {
  const id = fieldId(path)
  const error = useFieldError(path)
  return (
    <fieldset
      id={id}
      className={`field field-${field.type}${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>
        {field.label}
        {field.required && (
          <span className="required" aria-hidden="true" title="Required">
            {' '}
            *
          </span>
        )}
      </legend>
      {children}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  )
}

function hintOf(f: FieldSchema): string | null {
  const parts: string[] = []
  if (f.maxLength !== undefined) parts.push(`At most ${f.maxLength} characters.`)
  if (f.minLength !== undefined) parts.push(`At least ${f.minLength} characters.`)
  if (f.min !== undefined && f.max !== undefined) parts.push(`From ${f.min} to ${f.max}.`)
  else if (f.min !== undefined) parts.push(`At least ${f.min}.`)
  else if (f.max !== undefined) parts.push(`At most ${f.max}.`)
  if (f.integer) parts.push('A whole number.')
  if (f.type === 'json') parts.push('JSON.')
  return parts.length ? parts.join(' ') : null
}
