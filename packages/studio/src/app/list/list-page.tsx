import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'wouter'
import { api, qs } from '../api/api-client'
import { STATUS_TEXT, type DocList } from '../api/documents'
import { formatTime, titleOf } from '../ui/format'
import { Pager, beyondLastPage } from '../ui/pager'
import { usePeople } from '../ui/use-people'
import type { CollectionSchema } from '../../schema-types'

const PAGE_SIZE = 20
const STATUSES = ['draft', 'published', 'changed'] as const

/** The last writer's user id, as the drafts perspective reports it (`updatedBy`). */
function updatedByOf(d: Record<string, unknown>): string | null {
  const v = d.updatedBy
  if (typeof v === 'string') return v
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string')
    return (v as { id: string }).id
  return null
}

function whoOf(id: string | null, person: (id: string) => string | null): string {
  if (!id) return '—'
  return person(id) ?? '…'
}

/**
 * A collection's documents: title, status and update time, with search on the title field,
 * a status filter, sorting by column and paging — all done by the server, so a long list
 * costs what a short one does. The state lives in the URL (`?q=&status=&sort=&page=`).
 */
export function ListPage({ collection }: { collection: CollectionSchema }) {
  const [params, setParams] = useSearchParams()
  const q = params.get('q') ?? ''
  const status = params.get('status') ?? ''
  const sort = params.get('sort') ?? '-updatedAt'
  const page = Math.max(1, Number(params.get('page')) || 1)
  const [search, setSearch] = useState(q)
  const searchId = useId()
  const statusId = useId()
  const titleField = collection.useAsTitle
  const drafts = collection.permissions.readDrafts

  const list = useQuery({
    queryKey: ['list', collection.slug, { q, status, sort, page, drafts }],
    queryFn: () => {
      const where: Record<string, string> = {}
      if (q && titleField) where[`where[${titleField}][like]`] = q
      if (status) where['where[_status][equals]'] = status
      return api<DocList>(
        `/${collection.slug}${qs({ draft: drafts || undefined, limit: PAGE_SIZE, page, sort, ...where })}`,
      )
    },
    placeholderData: keepPreviousData,
  })

  const update = (next: Record<string, string | null>) =>
    setParams((p) => {
      const out = new URLSearchParams(p)
      for (const [k, v] of Object.entries(next))
        if (v) out.set(k, v)
        else out.delete(k)
      if (!('page' in next)) out.delete('page')
      return out
    })

  function submitSearch(e: FormEvent) {
    e.preventDefault()
    update({ q: search.trim() || null })
  }

  const sortHeader = (field: string, label: string) => {
    const active = sort === field || sort === `-${field}`
    const desc = sort === `-${field}`
    return (
      <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => update({ sort: active && !desc ? `-${field}` : field })}
        >
          {label}
          <span aria-hidden="true">{active ? (desc ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    )
  }

  const data = list.data
  const person = usePeople(data?.docs.map((d) => updatedByOf(d)) ?? [])
  return (
    <>
      <div className="page-head">
        <h1>{collection.labels.plural}</h1>
        {collection.permissions.create && (
          <Link className="button primary" href={`/collections/${collection.slug}/create`}>
            Create new {collection.labels.singular.toLowerCase()}
          </Link>
        )}
      </div>
      <div className="toolbar">
        {titleField && (
          <form role="search" onSubmit={submitSearch} className="search">
            <label htmlFor={searchId}>Search</label>
            <input
              id={searchId}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <button type="submit">Search</button>
          </form>
        )}
        {collection.versions.drafts && (
          <div className="filter">
            <label htmlFor={statusId}>Status</label>
            <select
              id={statusId}
              value={status}
              onChange={(e) => update({ status: e.target.value || null })}
            >
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_TEXT[s]}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {list.isError ? (
        <p role="alert" className="error">
          The list could not be loaded: {(list.error as Error).message}
        </p>
      ) : !data ? (
        <p role="status">Loading…</p>
      ) : (
        <>
          <table className="docs" aria-busy={list.isFetching}>
            <caption className="visually-hidden">
              {collection.labels.plural}, page {data.page} of {Math.max(1, data.totalPages)}
            </caption>
            <thead>
              <tr>
                {titleField ? sortHeader(titleField, 'Title') : <th scope="col">Title</th>}
                {collection.versions.drafts && sortHeader('_status', 'Status')}
                {sortHeader('updatedAt', 'Updated')}
                <th scope="col">Updated by</th>
              </tr>
            </thead>
            <tbody>
              {data.docs.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link href={`/collections/${collection.slug}/${encodeURIComponent(d.id)}`}>
                      {titleOf(d, titleField)}
                    </Link>
                  </td>
                  {collection.versions.drafts && (
                    <td>
                      <span className={`status status-${d._status}`}>{STATUS_TEXT[d._status]}</span>
                    </td>
                  )}
                  <td>
                    <time dateTime={d.updatedAt}>{formatTime(d.updatedAt)}</time>
                  </td>
                  <td>{whoOf(updatedByOf(d), person)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.docs.length === 0 && !beyondLastPage(data, page) && (
            <p>No documents{q || status ? ' match' : ' yet'}.</p>
          )}
          <Pager
            data={data}
            page={page}
            noun={['document', 'documents']}
            onPage={(n) => update({ page: String(n) })}
          />
        </>
      )}
    </>
  )
}
