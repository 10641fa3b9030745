/**
 * Whether a page of `found` rows leaves the total unknown, so its count must be read: it is
 * full, or empty past the start (as `needsCount` in @galley/sql decides for the connection's
 * reads). A module of its own, so the slow-read thread loads no more than it.
 */
export function totalUnknown(found: number, paging: { limit: number; offset: number }): boolean {
  return found >= paging.limit || (found === 0 && paging.offset > 0)
}
