import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, qs } from '../api/api-client'
import type { DocList } from '../api/documents'
import { titleOf } from '../ui/format'
import type { CollectionSchema, FieldSchema } from '../../schema-types'
import { useEditor } from './editor-context'
import { FieldFrame, FieldSet } from './field-frame'
import { useFieldValue } from './form-store'

const PICKER_SIZE = 50

/**
 * A relationship: a search box over the related collection's title field, then a select of
 * the matches (one document), or for `hasMany` the chosen documents (each with "Remove …",
 * in order, movable) and the matches not chosen yet (each with "Add …"). Values are ids, as
 * the API stores them; chosen documents show their titles even when the search does not
 * match them.
 */
export function RelationshipField({ field, path }: { field: FieldSchema; path: string }) {
  const { session, schema, readOnly } = useEditor()
  const value = useFieldValue(session.store, path)
  const target = schema.collections.find((c) => c.slug === field.relationTo)
  const [search, setSearch] = useState('')
  const ids = field.hasMany
    ? Array.isArray(value)
      ? (value as unknown[]).map(idOf)
      : []
    : value == null
      ? []
      : [idOf(value)]
  const options = useSearch(target, field.relationTo ?? '', search)
  const chosen = useTitles(target, field.relationTo ?? '', ids)
  const titleField = target?.useAsTitle ?? null
  const titleOfId = (id: string) => {
    const d = chosen.get(id) ?? options.data?.docs.find((x) => x.id === id)
    return d ? titleOf(d, titleField) : id
  }
  const docs = options.data?.docs ?? []
  // Named by its placeholder, which stays visible until something is typed, not by a label
  // or aria-label: then only the field's own control answers to the field's label (even to a
  // loose lookup such as getByLabel('Author')), while assistive technology still hears
  // "Search Authors for Author". (axe reports a name from `title` alone as a hidden label.)
  const searchBox = titleField && !readOnly && (
    <input
      type="search"
      placeholder={`Search ${target?.labels.plural ?? field.relationTo} for ${field.label}`}
      value={search}
      onChange={(e) => setSearch(e.target.value)}
    />
  )
  const failed = options.isError && (
    <p className="field-error">
      Could not load {field.relationTo}: {(options.error as Error).message}
    </p>
  )

  if (field.hasMany) {
    const set = (next: string[]) => session.store.set(path, next)
    const move = (i: number, by: number) => {
      const next = ids.slice()
      ;[next[i], next[i + by]] = [next[i + by]!, next[i]!]
      set(next)
    }
    // Not the document itself, when it relates to its own collection.
    const self = session.getState().id
    const open = docs.filter((d) => !ids.includes(d.id) && d.id !== self)
    return (
      <FieldSet field={field} path={path}>
        <div className="picker">
          {ids.length === 0 ? (
            <p className="muted">None chosen.</p>
          ) : (
            <ul className="chosen" aria-label={`Chosen ${field.label}`}>
              {ids.map((id, i) => (
                <li key={id}>
                  <span>{titleOfId(id)}</span>
                  {!readOnly && (
                    <span className="row-actions">
                      <button
                        type="button"
                        title="Move up"
                        disabled={i === 0}
                        onClick={() => move(i, -1)}
                      >
                        <span aria-hidden="true">↑</span>
                        <span className="visually-hidden">Move {titleOfId(id)} up</span>
                      </button>
                      <button
                        type="button"
                        title="Move down"
                        disabled={i === ids.length - 1}
                        onClick={() => move(i, 1)}
                      >
                        <span aria-hidden="true">↓</span>
                        <span className="visually-hidden">Move {titleOfId(id)} down</span>
                      </button>
                      <button type="button" onClick={() => set(ids.filter((x) => x !== id))}>
                        Remove <span className="visually-hidden">{titleOfId(id)}</span>
                      </button>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!readOnly && (
            <>
              {searchBox}
              <ul className="matches" aria-label={`${target?.labels.plural ?? 'Documents'} to add`}>
                {open.map((d) => (
                  <li key={d.id}>
                    <button type="button" onClick={() => set([...ids, d.id])}>
                      Add {titleOf(d, titleField)}
                    </button>
                  </li>
                ))}
                {open.length === 0 && options.data && (
                  <li className="muted">{search ? 'No matches.' : 'Nothing more to add.'}</li>
                )}
              </ul>
            </>
          )}
          {failed}
        </div>
      </FieldSet>
    )
  }

  const missing = ids.filter((id) => !docs.some((d) => d.id === id))
  return (
    <FieldFrame field={field} path={path}>
      {(a) => (
        <div className="picker">
          {searchBox}
          <select
            {...a.control}
            disabled={readOnly}
            value={ids[0] ?? ''}
            onChange={(e) => session.store.set(path, e.target.value || null)}
          >
            <option value="">— none —</option>
            {missing.map((id) => (
              <option key={id} value={id}>
                {titleOfId(id)}
              </option>
            ))}
            {docs.map((d) => (
              <option key={d.id} value={d.id}>
                {titleOf(d, titleField)}
              </option>
            ))}
          </select>
          {failed}
        </div>
      )}
    </FieldFrame>
  )
}

/** The related documents matching a search on their title field (the first page, by title). */
function useSearch(target: CollectionSchema | undefined, slug: string, search: string) {
  const titleField = target?.useAsTitle ?? null
  return useQuery({
    queryKey: ['picker', slug, search],
    enabled: !!target,
    placeholderData: keepPreviousData,
    queryFn: () =>
      api<DocList>(
        `/${slug}${qs({
          draft: target?.permissions.readDrafts || undefined,
          limit: PICKER_SIZE,
          sort: titleField ?? undefined,
          ...(search && titleField ? { [`where[${titleField}][like]`]: search } : {}),
        })}`,
      ),
  })
}

/** The chosen documents by id (for their titles), one request for all of them. */
function useTitles(target: CollectionSchema | undefined, slug: string, ids: string[]) {
  const wanted = [...new Set(ids)].sort()
  const res = useQuery({
    queryKey: ['picker-chosen', slug, wanted],
    enabled: !!target && wanted.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    queryFn: () =>
      api<DocList>(
        `/${slug}${qs({
          draft: target?.permissions.readDrafts || undefined,
          limit: wanted.length,
          'where[id][in]': wanted.join(','),
        })}`,
      ),
  })
  return new Map((res.data?.docs ?? []).map((d) => [d.id, d]))
}

function idOf(v: unknown): string {
  return v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string'
    ? (v as { id: string }).id
    : String(v)
}
