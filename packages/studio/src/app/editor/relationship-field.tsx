import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, qs } from '../api/api-client'
import type { DocList } from '../api/documents'
import { titleOf } from '../ui/format'
import type { FieldSchema } from '../../schema-types'
import { useEditor } from './editor-context'
import { FieldFrame } from './field-frame'
import { useFieldValue } from './form-store'

const PICKER_SIZE = 50

/**
 * A simple picker: a search box over the related collection's title field and a list of the
 * matches (multiple choice for `hasMany`). Values are ids, as the API stores them.
 */
export function RelationshipField({ field, path }: { field: FieldSchema; path: string }) {
  const { session, schema, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const target = schema.collections.find((c) => c.slug === field.relationTo)
  const [search, setSearch] = useState('')
  const titleField = target?.useAsTitle ?? null
  const options = useQuery({
    queryKey: ['picker', field.relationTo, search],
    enabled: !!target,
    queryFn: () =>
      api<DocList>(
        `/${field.relationTo}${qs({
          draft: target?.permissions.readDrafts || undefined,
          limit: PICKER_SIZE,
          sort: titleField ?? undefined,
          ...(search && titleField ? { [`where[${titleField}][like]`]: search } : {}),
        })}`,
      ),
  })
  const ids = field.hasMany
    ? Array.isArray(value)
      ? (value as unknown[]).map(idOf)
      : []
    : value == null
      ? []
      : [idOf(value)]
  const docs = options.data?.docs ?? []
  // Chosen documents stay listed even when the search does not match them.
  const missing = ids.filter((id) => !docs.some((d) => d.id === id))
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <div className="picker">
          {titleField && !readOnly && (
            <input
              type="search"
              aria-label={`Search ${target?.labels.plural ?? field.relationTo} for ${field.label}`}
              placeholder={`Search ${target?.labels.plural.toLowerCase() ?? ''}…`}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          )}
          <select
            id={a.id}
            multiple={field.hasMany}
            size={field.hasMany ? 5 : undefined}
            disabled={readOnly}
            value={field.hasMany ? ids : (ids[0] ?? '')}
            onChange={(e) => {
              if (field.hasMany)
                session.store.set(
                  path,
                  [...e.target.selectedOptions].map((o) => o.value),
                )
              else session.store.set(path, e.target.value || null)
            }}
            aria-describedby={a.describedBy}
            aria-invalid={a.invalid || undefined}
          >
            {!field.hasMany && <option value="">— none —</option>}
            {missing.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
            {docs.map((d) => (
              <option key={d.id} value={d.id}>
                {titleOf(d, titleField)}
              </option>
            ))}
          </select>
          {options.isError && (
            <p className="field-error">
              Could not load {field.relationTo}: {(options.error as Error).message}
            </p>
          )}
        </div>
      )}
    </FieldFrame>
  )
}

function idOf(v: unknown): string {
  return v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string'
    ? (v as { id: string }).id
    : String(v)
}
