/** The perspectives with a name of their own. */
export const PERSPECTIVE_NAMES = ['published', 'drafts', 'raw'] as const

/** `published`, `drafts` or `raw`. */
export type PerspectiveName = (typeof PERSPECTIVE_NAMES)[number]

/** Layers a document can have a variant in. */
export type Variant = 'published' | 'draft' | `release:${string}`

/** A perspective turned into what storage needs. */
export type ResolvedPerspective =
  | { kind: 'published' }
  | { kind: 'drafts' }
  | { kind: 'raw' }
  | { kind: 'stack'; layers: Variant[] }

/** A parsed perspective: its one canonical spelling, its entries, and what a read does with it. */
export interface ParsedPerspective {
  /**
   * The one spelling every package stores, sends and compares: `published`, `drafts`, `raw`,
   * or a stack's release ids (then `drafts` if it has it) joined by `,`, e.g. `spring,drafts`.
   */
  canonical: string
  /** The canonical spelling's entries: `['spring', 'drafts']`, `['drafts']`. */
  entries: readonly string[]
  resolved: ResolvedPerspective
}

/** What {@link parsePerspective} answers: the perspective, or a message that says what to send. */
export type PerspectiveParse =
  { ok: true; value: ParsedPerspective } | { ok: false; message: string }

/** Options of {@link parsePerspective}. */
export interface ParsePerspectiveOptions {
  /**
   * Whether `raw` (every variant as its own row) is acceptable. Default `true`; previews pass
   * `false`: a preview shows one version of each document.
   */
  allowRaw?: boolean
}

/** Most entries a stack may have (an explicit trailing `published` included). */
export const MAX_STACK_ENTRIES = 10

/** What a release id looks like wherever a perspective names one. */
export const RELEASE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Words no release id may be, in any case: the names and the `draft` layer. `'DRAFTS'` or
 * `'Raw'` as a release would read as a name to a person and as a release to the server.
 */
const RESERVED = new Set<string>([...PERSPECTIVE_NAMES, 'draft'])

/** Whether `value` can name a release in a stack: the pattern, and no reserved word in any case. */
export function isReleaseId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    RELEASE_ID_PATTERN.test(value) &&
    !RESERVED.has(value.toLowerCase())
  )
}

const HELP =
  "use 'published', 'drafts', 'raw', or a stack of release ids optionally ending in 'drafts' " +
  "(and 'published'), as a string 'spring,drafts' or a list ['spring', 'drafts']: exact " +
  'lower-case names, no spaces, no empty or repeated entries'
const PREVIEW_HELP =
  "use 'drafts', 'published', or a release stack such as 'spring,drafts' (a preview shows one " +
  "version of each document, so never 'raw')"

/**
 * Parses a perspective strictly: nothing is trimmed, case-folded or de-duplicated, so every
 * perspective has exactly one canonical spelling and anything that only looks like one
 * (`' drafts'`, `'DRAFTS'`, `'drаfts'` with a Cyrillic `а`, a zero-width space) is refused.
 * Accepted: a name (`'raw'` only as this string), or a stack of entries, as a comma-joined
 * string or a list: release ids ({@link RELEASE_ID_PATTERN}), then optionally `drafts`,
 * then optionally `published` (a stack always ends in published, so it may be left out).
 *
 * @example
 * parsePerspective('spring,drafts') // { ok: true, value: { canonical: 'spring,drafts', … } }
 * parsePerspective(['spring', 'drafts', 'published']).value.canonical // 'spring,drafts'
 * parsePerspective('raw', { allowRaw: false }) // { ok: false, message: '…' }
 */
export function parsePerspective(
  input: unknown,
  options: ParsePerspectiveOptions = {},
): PerspectiveParse {
  const allowRaw = options.allowRaw !== false
  const help = allowRaw ? HELP : PREVIEW_HELP
  const bad = (why: string): PerspectiveParse => ({
    ok: false,
    message: `Invalid perspective ${describe(input)}: ${why}; ${help}.`,
  })
  if (input === 'raw') {
    return allowRaw ? { ok: true, value: RAW } : bad("'raw' lists every variant as its own row")
  }
  let entries: readonly unknown[]
  if (typeof input === 'string') entries = input.split(',')
  else if (Array.isArray(input)) entries = input
  else return bad('it is not a string or a list of strings')
  if (entries.length === 0) return bad('the list is empty')
  if (entries.length > MAX_STACK_ENTRIES)
    return bad(`a stack has at most ${MAX_STACK_ENTRIES} entries`)

  const releases: string[] = []
  let drafts = false
  let published = false
  for (const entry of entries) {
    if (typeof entry !== 'string') return bad('every entry must be a string')
    if (entry === '') return bad('it has an empty entry')
    if (entry === 'raw') return bad("'raw' is not a layer and cannot be stacked")
    if (published) return bad("'published' can only be the last entry")
    if (entry === 'published') published = true
    else if (entry === 'drafts') {
      if (drafts) return bad("'drafts' appears twice")
      drafts = true
    } else if (RESERVED.has(entry.toLowerCase()))
      return bad(`${describe(entry)} is reserved: names are exactly 'published', 'drafts', 'raw'`)
    else if (isReleaseId(entry)) {
      if (drafts) return bad(`release '${entry}' comes after 'drafts'; put releases first`)
      if (releases.includes(entry)) return bad(`release '${entry}' appears twice`)
      releases.push(entry)
    } else
      return bad(
        `entry ${describe(entry)} is neither a name nor a release id ([A-Za-z0-9_-], 1–64 characters)`,
      )
  }

  if (releases.length === 0) return { ok: true, value: drafts ? DRAFTS : PUBLISHED }
  const canonicalEntries = Object.freeze(drafts ? [...releases, 'drafts'] : releases)
  const layers: Variant[] = releases.map((id) => `release:${id}` as const)
  if (drafts) layers.push('draft')
  layers.push('published')
  return {
    ok: true,
    value: Object.freeze({
      canonical: canonicalEntries.join(','),
      entries: canonicalEntries,
      resolved: Object.freeze({ kind: 'stack', layers }) as ResolvedPerspective,
    }),
  }
}

/** The one canonical spelling of a resolved perspective (the inverse of parsing). */
export function canonicalPerspective(resolved: ResolvedPerspective): string {
  if (resolved.kind !== 'stack') return resolved.kind
  const entries: string[] = []
  for (const layer of resolved.layers) {
    if (layer.startsWith('release:')) entries.push(layer.slice('release:'.length))
    else if (layer === 'draft') entries.push('drafts')
  }
  return entries.length === 0 ? 'published' : entries.join(',')
}

/** A stable string form of a resolved perspective's layers, for cache keys and logs. */
export function perspectiveKey(p: ResolvedPerspective): string {
  return p.kind === 'stack' ? p.layers.join(',') : p.kind
}

/** Whether reading with this perspective needs permission to read drafts. */
export function needsDraftAccess(p: ResolvedPerspective): boolean {
  return p.kind !== 'published'
}

const named = (name: PerspectiveName): ParsedPerspective =>
  Object.freeze({
    canonical: name,
    entries: Object.freeze([name]),
    resolved: Object.freeze({ kind: name }),
  })
const PUBLISHED = named('published')
const DRAFTS = named('drafts')
const RAW = named('raw')

/** The input as JSON, short, with invisible and lookalike characters made visible. */
function describe(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  if (text.length > 80) text = `${text.slice(0, 80)}…`
  return text.replace(
    /[^\x20-\x7e]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`,
  )
}
