/**
 * Whether a page of `found` rows leaves the total unknown, so its count must be read: it is
 * full, or empty past the start, as `needsCount` in @galley/sql decides. A module of its own:
 * the slow-read thread would spend ~0.3 s loading @galley/sql for this one line.
 */
export function totalUnknown(found: number, paging: { limit: number; offset: number }): boolean {
  return found >= paging.limit || (found === 0 && paging.offset > 0)
}
