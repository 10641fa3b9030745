import type { Field, Galley } from '@galley/core'

/** Tag of a global's cached responses: `globals:<slug>` (no collection may be named `globals`). */
export function globalTag(slug: string): string {
  return `globals:${slug}`
}

/** Tag of one document: `<collection>:<id>`. The bare `<collection>` tags its lists. */
export function docTag(collection: string, id: string): string {
  return `${collection}:${id}`
}

/**
 * Cache tags of a read: the collection (when `list`), each returned document, and every
 * related document the read tried to populate (up to `depth`, default the config's), with
 * that document's collection: a change to an author must purge the posts that embed it. A
 * relation that stayed a bare id, because the caller may not see it (a draft-only author)
 * or the read's budget ran out, is tagged too: publishing it changes the page.
 */
export function tagsOfDocs(
  galley: Galley,
  collection: string,
  docs: unknown[],
  list: boolean,
  depth?: number,
): string[] {
  const tags = new Set<string>()
  if (list) tags.add(collection)
  const visit = relationVisitor(galley, tags)
  const d = depth ?? galley.config.defaultDepth
  for (const doc of docs) visit.doc(collection, doc, d)
  return [...tags]
}

/**
 * Cache tags of a global read: `globals:<slug>`, and every related document it tried to
 * populate (as in `tagsOfDocs`) with its collection: a global embedding an author is purged
 * when the author changes or is published.
 */
export function tagsOfGlobal(galley: Galley, slug: string, doc: unknown, depth?: number): string[] {
  const tags = new Set<string>([globalTag(slug)])
  const global = galley.config.globals.get(slug)
  if (global && isObject(doc))
    relationVisitor(galley, tags).fields(global.fields, doc, depth ?? galley.config.defaultDepth)
  return [...tags]
}

/** Walks documents, tagging what their relationships hold down to the depth that was populated. */
function relationVisitor(galley: Galley, tags: Set<string>) {
  // The most depth each document was walked with. A document can appear more than once, the
  // first time nested with less depth left (a post's related post, then the same post in the
  // list itself): the copy with more depth left holds relations the first did not populate,
  // so it is walked again. Strictly more, so cycles end.
  const walked = new Map<string, number>()
  const visitDoc = (slug: string, doc: unknown, depth: number) => {
    if (!isObject(doc) || typeof doc.id !== 'string') return
    const tag = docTag(slug, doc.id)
    const before = walked.get(tag)
    if (before !== undefined && before >= depth) return
    walked.set(tag, depth)
    tags.add(tag)
    const coll = galley.config.collections.get(slug)
    if (coll) visitFields(coll.fields, doc, depth)
  }
  const visitFields = (fields: Field[], holder: Record<string, unknown>, depth: number) => {
    for (const f of fields) {
      const v = holder[f.name]
      if (v === undefined || v === null) continue
      if (f.type === 'relationship') {
        // At depth 0 nothing was populated: the ids are the content, and stay as they are.
        if (depth < 1) continue
        for (const item of Array.isArray(v) ? v : [v]) {
          if (isObject(item)) {
            tags.add(f.relationTo)
            visitDoc(f.relationTo, item, depth - 1)
          } else if (typeof item === 'string') {
            tags.add(f.relationTo)
            tags.add(docTag(f.relationTo, item))
          }
        }
      } else if (f.type === 'group' && isObject(v)) visitFields(f.fields, v, depth)
      else if (f.type === 'array' && Array.isArray(v))
        for (const row of v) if (isObject(row)) visitFields(f.fields, row, depth)
    }
  }
  return { doc: visitDoc, fields: visitFields }
}

/**
 * The tag header value. Past `max` characters each document tag gives way to its
 * collection's tag (a read by id carries no collection tag of its own): every purge also
 * emits the collection tag, so nothing stays stale; the page is purged more often.
 */
export function formatTagHeader(tags: string[], max: number): string {
  const full = tags.join(',')
  if (full.length <= max) return full
  const cut = new Set<string>()
  for (const t of tags) {
    const colon = t.indexOf(':')
    cut.add(colon === -1 || t.startsWith('globals:') ? t : t.slice(0, colon))
  }
  return [...cut].join(',')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
