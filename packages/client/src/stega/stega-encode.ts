import { vercelStegaEncode } from '@vercel/stega'
import { stegaDecode } from './stega-decode'
import { stegaRef, type StegaSource } from './stega-ref'

export type { StegaSource } from './stega-ref'

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
  /**
   * The Studio's base URL. Optional and not written into marks (they carry a short reference;
   * the overlay knows its Studio); kept so that existing configurations still type-check.
   */
  studioUrl?: string
  /**
   * Per-field override of the built-in rule: `true` marks the field even when it looks like a
   * URL, date, id or slug, `false` never marks it. Keys are field paths without array indexes
   * (`'seo.title'`, `'blocks.image.alt'`), optionally for one collection or global only
   * (`'posts:summary'`). Default none.
   */
  fields?: Readonly<Record<string, boolean>>
  /** Last word on each string, after `fields`; see {@link StegaFilterContext}. */
  filter?: StegaFilter
}

// Keys whose strings are identifiers, not text an editor reads: marks would break lookups.
const SKIP_KEY =
  /^(?:_.*|id|slug|url|href|src|email|locale|lang|type|blockType|relationTo|mimeType|filename|color|icon|.*Id|.*Ids|.*At|.*Url|.*Slug)$/
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\S|\/|#|\?|www\.)/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
// A uuid, ULID, ObjectId-like hex or similar machine id (no spaces, digits and letters mixed).
const MACHINE_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24}|[0-9A-HJKMNP-TV-Z]{26})$/i

/**
 * The built-in rule: skip ids, slugs, `_`-fields, dates, URLs, e-mail addresses (by key or by
 * value) and blank strings; mark every other string.
 */
export function defaultStegaFilter(context: Omit<StegaFilterContext, 'filterDefault'>): boolean {
  const { value, path } = context
  if (value.trim() === '') return false
  if (path.some((step) => typeof step === 'string' && SKIP_KEY.test(step))) return false
  const text = value.trim()
  if (ISO_DATE.test(text) || URL_LIKE.test(text) || EMAIL.test(text) || MACHINE_ID.test(text)) {
    return false
  }
  return true
}

/** The override `fields` sets for a string, if any. */
function fieldOverride(
  fields: Readonly<Record<string, boolean>> | undefined,
  source: StegaSource,
  path: readonly (string | number)[],
): boolean | undefined {
  if (!fields) return undefined
  const key = path.filter((step) => typeof step === 'string').join('.')
  const owner = source.kind === 'collection' ? source.collection : source.slug
  return fields[`${owner}:${key}`] ?? fields[key]
}

/**
 * The invisible mark for one source map entry: `@vercel/stega`'s encoding of
 * `{ origin: 'galley', href: stegaRef(source, path) }`.
 */
export function stegaMark(source: StegaSource, path: readonly (string | number)[]): string {
  return vercelStegaEncode({ origin: 'galley', href: stegaRef(source, path) })
}

/**
 * Returns a copy of `value` whose strings carry invisible `@vercel/stega` marks that refer to
 * their document and field, so Galley's overlay (and Vercel's decoder) can open the field.
 */
export function stegaEncode<T>(
  value: T,
  source: StegaSource,
  options: Pick<StegaConfig, 'fields' | 'filter'> = {},
): T {
  const filter = options.filter ?? ((c: StegaFilterContext) => c.filterDefault(c))
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const override = fieldOverride(options.fields, source, path)
      const filterDefault: StegaFilterContext['filterDefault'] = (c) =>
        override ?? defaultStegaFilter(c)
      if (node === '' || !filter({ value: node, path, source, filterDefault })) return node
      if (stegaDecode(node)) return node // marked already (a value fetched twice)
      return node + stegaMark(source, path)
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]))
    if (node !== null && typeof node === 'object' && isPlain(node)) {
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...path, key])
      return out
    }
    return node
  }
  return walk(value, []) as T
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
