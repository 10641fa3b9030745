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
 * related document that was populated into it (a change to an author must purge the posts
 * that embed it) together with that document's collection.
 */
export function tagsOfDocs(
  galley: Galley,
  collection: string,
  docs: unknown[],
  list: boolean,
): string[] {
  const tags = new Set<string>()
  if (list) tags.add(collection)
  const visit = relationVisitor(galley, tags)
  for (const d of docs) visit.doc(collection, d)
  return [...tags]
}

/**
 * Cache tags of a global read: `globals:<slug>`, and every related document populated into
 * it with its collection (a global embedding an author is purged when the author changes).
 */
export function tagsOfGlobal(galley: Galley, slug: string, doc: unknown): string[] {
  const tags = new Set<string>([globalTag(slug)])
  const global = galley.config.globals.get(slug)
  if (global && isObject(doc)) relationVisitor(galley, tags).fields(global.fields, doc)
  return [...tags]
}

function relationVisitor(galley: Galley, tags: Set<string>) {
  const visitDoc = (slug: string, doc: unknown) => {
    if (!isObject(doc) || typeof doc.id !== 'string') return
    const tag = docTag(slug, doc.id)
    if (tags.has(tag)) return
    tags.add(tag)
    const coll = galley.config.collections.get(slug)
    if (coll) visitFields(coll.fields, doc)
  }
  const visitFields = (fields: Field[], holder: Record<string, unknown>) => {
    for (const f of fields) {
      const v = holder[f.name]
      if (v === undefined || v === null) continue
      if (f.type === 'relationship') {
        for (const item of Array.isArray(v) ? v : [v]) {
          if (isObject(item)) {
            tags.add(f.relationTo)
            visitDoc(f.relationTo, item)
          }
        }
      } else if (f.type === 'group' && isObject(v)) visitFields(f.fields, v)
      else if (f.type === 'array' && Array.isArray(v))
        for (const row of v) if (isObject(row)) visitFields(f.fields, row)
    }
  }
  return { doc: visitDoc, fields: visitFields }
}

/**
 * The tag header value. Past `max` characters only the collection-wide tags are sent:
 * every purge also emits the collection tag, so nothing stays stale.
 */
export function formatTagHeader(tags: string[], max: number): string {
  const full = tags.join(',')
  if (full.length <= max) return full
  return tags.filter((t) => !t.includes(':') || t.startsWith('globals:')).join(',')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
