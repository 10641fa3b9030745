import { vercelStegaCombine } from '@vercel/stega'

/** Which document a result came from, for click-to-edit links. */
export type StegaSource =
  { kind: 'collection'; collection: string; id: string } | { kind: 'global'; slug: string }

/** What a {@link StegaFilter} is asked about one string. */
export interface StegaFilterContext {
  value: string
  /** Path from the document root, e.g. `['blocks', 0, 'title']`. */
  path: readonly (string | number)[]
  source: StegaSource
  /** The built-in rule, to extend rather than replace. */
  filterDefault: (context: Omit<StegaFilterContext, 'filterDefault'>) => boolean
}

/** Returns whether a string gets stega marks; see {@link defaultStegaFilter}. */
export type StegaFilter = (context: StegaFilterContext) => boolean

/** Stega settings of the client. */
export interface StegaConfig {
  /** Default `false`. Marks are only added for non-`published` perspectives. */
  enabled: boolean
  /** The Studio's base URL, e.g. `https://cms.example/studio`; required when enabled. */
  studioUrl?: string
  filter?: StegaFilter
}

// Keys whose strings are identifiers, not text an editor reads: marks would break lookups.
const SKIP_KEY =
  /^(?:_.*|id|slug|url|href|src|email|locale|lang|type|blockType|relationTo|mimeType|filename|color|icon|.*Id|.*Ids|.*At|.*Url|.*Slug)$/
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:|\/|#|\?|www\.)/i

/**
 * The built-in rule: skip ids, slugs, `_`-fields, dates and URLs (by key or by value), and blank
 * strings; mark every other string.
 */
export function defaultStegaFilter(context: Omit<StegaFilterContext, 'filterDefault'>): boolean {
  const { value, path } = context
  if (value.trim() === '') return false
  if (path.some((step) => typeof step === 'string' && SKIP_KEY.test(step))) return false
  if (ISO_DATE.test(value) || URL_LIKE.test(value)) return false
  return true
}

/** The Studio link a mark carries: `{studioUrl}/collections/{collection}/{id}?path=a.0.b`. */
export function stegaHref(
  studioUrl: string,
  source: StegaSource,
  path: readonly (string | number)[],
): string {
  const base = studioUrl.replace(/\/+$/, '')
  const where =
    source.kind === 'collection'
      ? `collections/${encodeURIComponent(source.collection)}/${encodeURIComponent(source.id)}`
      : `globals/${encodeURIComponent(source.slug)}`
  return `${base}/${where}?path=${encodeURIComponent(path.join('.'))}`
}

/**
 * Returns a copy of `value` whose strings carry invisible `@vercel/stega` marks with
 * `{ origin: 'galley', href }`, so Galley's overlay (and Vercel's) can open the field.
 */
export function stegaEncode<T>(
  value: T,
  source: StegaSource,
  options: { studioUrl: string; filter?: StegaFilter },
): T {
  const filter = options.filter ?? ((c: StegaFilterContext) => c.filterDefault(c))
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const context = { value: node, path, source }
      if (!filter({ ...context, filterDefault: defaultStegaFilter })) return node
      return vercelStegaCombine(node, {
        origin: 'galley',
        href: stegaHref(options.studioUrl, source, path),
      })
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]))
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...path, key])
      return out
    }
    return node
  }
  return walk(value, []) as T
}
