/** Which document a result came from, for click-to-edit links. */
export type StegaSource =
  { kind: 'collection'; collection: string; id: string } | { kind: 'global'; slug: string }

/** One entry of the content source map: the document and the field path a string came from. */
export interface StegaSourceEntry {
  source: StegaSource
  /** Path from the document root, e.g. `['blocks', 0, 'title']`. */
  path: (string | number)[]
}

/**
 * The short reference a mark carries (its `href`): `posts/p1#blocks.0.title` for a document,
 * `~settings#siteName` for a global. No Studio URL and no JSON source map go into the mark,
 * so a marked string stays a few dozen invisible characters longer than its text.
 */
export function stegaRef(source: StegaSource, path: readonly (string | number)[]): string {
  const where =
    source.kind === 'collection'
      ? `${escape(source.collection)}/${escape(source.id)}`
      : `~${escape(source.slug)}`
  return `${where}#${path.map((step) => escape(String(step))).join('.')}`
}

// encodeURIComponent leaves `.` and `~`, which separate a reference's parts.
const escape = (text: string) => encodeURIComponent(text).replace(/\./g, '%2E').replace(/~/g, '%7E')

/** Reads a reference made by {@link stegaRef}; `undefined` for anything else. */
export function parseStegaRef(ref: string): StegaSourceEntry | undefined {
  const match = /^(?:~([^/#~]+)|([^/#~]+)\/([^/#]+))#([^#]*)$/.exec(ref)
  if (!match) return undefined
  try {
    const path = match[4] === '' ? [] : match[4].split('.').map(decodeStep)
    const source: StegaSource =
      match[1] !== undefined
        ? { kind: 'global', slug: decodeURIComponent(match[1]) }
        : {
            kind: 'collection',
            collection: decodeURIComponent(match[2]),
            id: decodeURIComponent(match[3]),
          }
    return { source, path }
  } catch {
    return undefined
  }
}

function decodeStep(step: string): string | number {
  const text = decodeURIComponent(step)
  return /^(?:0|[1-9]\d*)$/.test(text) ? Number(text) : text
}
