import { encodeMark, findMarks, mayHoldMark } from './stega-marks'

type Listener = () => void

/**
 * The Studio's unsaved values per document (`posts/p1` → form values), as the channel
 * delivers them; pages read them through {@link subscribeLiveDocument} or `useLiveDocument`.
 */
class LiveStore {
  #values = new Map<string, Record<string, unknown>>()
  #listeners = new Map<string, Set<Listener>>()

  get(document: string): Record<string, unknown> | undefined {
    return this.#values.get(document)
  }

  set(document: string, values: Record<string, unknown>): void {
    this.#values.set(document, values)
    for (const fn of this.#listeners.get(document) ?? []) fn()
  }

  clear(): void {
    const documents = [...this.#values.keys()]
    this.#values.clear()
    for (const document of documents) for (const fn of this.#listeners.get(document) ?? []) fn()
  }

  subscribe(document: string, fn: Listener): () => void {
    let set = this.#listeners.get(document)
    if (!set) this.#listeners.set(document, (set = new Set()))
    set.add(fn)
    return () => set.delete(fn)
  }
}

/** The one store of this page. */
export const liveStore = new LiveStore()

/** The key of a document as marks name it: `posts/p1`, or `~settings` for a global. */
export function documentKey(
  source: { collection: string; id: string } | { global: string },
): string {
  const escape = (text: string) =>
    encodeURIComponent(text).replace(/\./g, '%2E').replace(/~/g, '%7E')
  return 'global' in source
    ? `~${escape(source.global)}`
    : `${escape(source.collection)}/${escape(source.id)}`
}

/** Options of {@link mergeLiveValues}. */
export interface MergeOptions {
  /**
   * Gives the populated document for a relationship whose id the editor changed, if it is at
   * hand (e.g. fetched with the drafts perspective); `undefined` keeps the rendered one.
   */
  related?: (path: string, id: unknown) => unknown
}

/**
 * Lays the Studio's values over a rendered document, field by field: scalars are taken as
 * they are (strings get the mark the rendered string had, so overlays keep working), arrays
 * and groups are merged item by item, and a relationship the page rendered populated stays
 * populated while its id is unchanged. Keys the Studio does not send are left alone.
 */
export function mergeLiveValues<T>(
  rendered: T,
  values: Record<string, unknown> | undefined,
  document: string,
  options: MergeOptions = {},
): T {
  if (!values) return rendered
  return mergeNode(rendered, values, document, [], options) as T
}

function mergeNode(
  rendered: unknown,
  live: unknown,
  document: string,
  path: string[],
  options: MergeOptions,
): unknown {
  if (typeof live === 'string') {
    if (typeof rendered !== 'string') {
      if (isRecord(rendered) && rendered.id !== undefined)
        return relation(rendered, live, path, options)
      return live
    }
    const marked = mayHoldMark(rendered) && findMarks(rendered).length > 0
    return marked ? live + encodeMark({ document, path: path.join('.') }) : live
  }
  if (typeof live === 'number' && isRecord(rendered) && rendered.id !== undefined)
    return relation(rendered, live, path, options)
  if (Array.isArray(live)) {
    const before = Array.isArray(rendered) ? rendered : []
    return live.map((item, i) =>
      mergeNode(before[i], item, document, [...path, String(i)], options),
    )
  }
  if (isRecord(live)) {
    if (isRecord(rendered) && rendered.id !== undefined && live.id === rendered.id) return rendered
    const base = isRecord(rendered) ? rendered : {}
    const out: Record<string, unknown> = { ...base }
    for (const [key, value] of Object.entries(live))
      out[key] = mergeNode(base[key], value, document, [...path, key], options)
    return out
  }
  return live
}

function relation(
  rendered: Record<string, unknown>,
  id: unknown,
  path: string[],
  options: MergeOptions,
) {
  if (String(rendered.id) === String(id)) return rendered
  return options.related?.(path.join('.'), id) ?? rendered
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Calls `listener` with `rendered` merged with the Studio's unsaved values each time they
 * change (and once now if there are any). For pages without React.
 *
 * @example
 * subscribeLiveDocument(post, { collection: 'posts', id: post.id }, (live) => render(live))
 */
export function subscribeLiveDocument<T>(
  rendered: T,
  source: { collection: string; id: string } | { global: string },
  listener: (live: T) => void,
  options?: MergeOptions,
): () => void {
  const key = documentKey(source)
  const emit = () => listener(mergeLiveValues(rendered, liveStore.get(key), key, options))
  if (liveStore.get(key)) emit()
  return liveStore.subscribe(key, emit)
}
