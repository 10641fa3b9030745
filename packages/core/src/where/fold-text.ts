/**
 * How `like` and `contains` ignore case, the same in the in-memory matcher, in SQLite
 * (`galley_fold`) and, written in SQL, in PostgreSQL (see the dialects' `fold`):
 * JavaScript's toLowerCase, with every sigma as σ. toLowerCase writes a final ς at the end of
 * a word (ΣΊΣΥΦΟΣ → σίσυφος) where PostgreSQL's lower() writes σ, and a word typed with ς
 * must find one written in capitals; İ becomes i + U+0307 (PostgreSQL is told to do the
 * same). Found by review: a title with either did not match itself on PostgreSQL.
 */
export function foldText(s: string): string {
  const lower = s.toLowerCase()
  return lower.includes('ς') ? lower.replaceAll('ς', 'σ') : lower
}
