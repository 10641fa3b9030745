import { QueryError } from '@galley/core'

/**
 * Paging of `GET /api/releases`, with the bounds and messages of collection lists
 * (`GET /api/:collection`): `limit` 0–1000 (default 10; 0 counts only), `page` from 1.
 * The engine's `Releases.list` answers every release in one small query (rows of a few
 * columns, no documents), so the route pages that list; a store-side `LIMIT` can replace
 * it without changing the answer.
 */
export const RELEASE_PAGING = Object.freeze({
  defaultLimit: 10,
  maxLimit: 1000,
  maxPage: 1_000_000,
})

export interface ReleasePaging {
  limit: number
  page: number
}

/** Validate `limit` and `page` (already whole numbers, from `intParam`). */
export function releasePaging(limit: number | undefined, page: number | undefined): ReleasePaging {
  const l = limit ?? RELEASE_PAGING.defaultLimit
  const p = page ?? 1
  if (l < 0 || l > RELEASE_PAGING.maxLimit)
    throw new QueryError(`limit must be between 0 and ${RELEASE_PAGING.maxLimit} (0 counts only).`)
  if (p < 1 || p > RELEASE_PAGING.maxPage)
    throw new QueryError('page must be a whole number from 1.')
  return { limit: l, page: p }
}

/** One page of `all`, in the shape every list answer has (`docs`, `totalDocs`, `totalPages`, …). */
export function pageOfReleases<X>(all: readonly X[], { limit, page }: ReleasePaging) {
  const totalPages = limit === 0 ? 0 : Math.ceil(all.length / limit)
  return {
    docs: limit === 0 ? [] : all.slice((page - 1) * limit, page * limit),
    totalDocs: all.length,
    limit,
    page,
    totalPages,
    hasNextPage: page < totalPages,
    hasPrevPage: page > 1,
  }
}
