/** What a paginated list answer says about its pages (`GET /api/:collection`, `/api/releases`). */
export interface PageInfo {
  page: number
  totalPages: number
  totalDocs: number
  hasPrevPage: boolean
  hasNextPage: boolean
  docs: readonly unknown[]
}

/**
 * "Previous page" / "Page 2 of 5 · 93 documents" / "Next page" under a paginated list, and,
 * when the page asked for lies past the last one (an edited URL, items removed meanwhile),
 * a way back to the last page. `page` is the page asked for; `onPage` moves to another.
 * @example <Pager data={list.data} page={page} noun={['document', 'documents']} onPage={go} />
 */
export function Pager({
  data,
  page,
  noun,
  onPage,
}: {
  data: PageInfo
  page: number
  noun: readonly [singular: string, plural: string]
  onPage: (page: number) => void
}) {
  return (
    <>
      {beyondLastPage(data, page) && (
        <p>
          There is no page {page}: this list has {data.totalPages}{' '}
          {data.totalPages === 1 ? 'page' : 'pages'}.{' '}
          <button type="button" onClick={() => onPage(data.totalPages)}>
            Go to the last page
          </button>
        </p>
      )}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={!data.hasPrevPage}
          onClick={() => onPage(Math.min(page - 1, data.totalPages))}
        >
          Previous page
        </button>
        <span>
          Page {data.page} of {Math.max(1, data.totalPages)} · {data.totalDocs}{' '}
          {data.totalDocs === 1 ? noun[0] : noun[1]}
        </span>
        <button type="button" disabled={!data.hasNextPage} onClick={() => onPage(page + 1)}>
          Next page
        </button>
      </nav>
    </>
  )
}

/** The page asked for is empty because the list ends before it (not because it is empty). */
export function beyondLastPage(data: PageInfo, page: number): boolean {
  return data.docs.length === 0 && page > data.totalPages && data.totalDocs > 0
}
