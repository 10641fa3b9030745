/** A document's place on the frontend, as `GET /api/presentation` lists them. */
export interface PresentationLocation {
  collection?: string
  global?: string
  /** `/posts/:slug`: `:field` is filled from the document. */
  path: string
}

/** The view's config from `GET /api/presentation`. */
export interface PresentationConfig {
  url: string
  origin: string
  enableUrl: string
  allowOrigins: string[]
  locations: PresentationLocation[]
  initialPath: string
}

/** The frontend path of a document, or null when no location fits it. */
export function pathOf(
  locations: readonly PresentationLocation[],
  doc: { kind: 'collection' | 'global'; slug: string; values: Record<string, unknown> },
): string | null {
  for (const location of locations) {
    const fits =
      doc.kind === 'global' ? location.global === doc.slug : location.collection === doc.slug
    if (!fits) continue
    let missing = false
    const path = location.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, field: string) => {
      const value = doc.values[field]
      if (typeof value !== 'string' && typeof value !== 'number') {
        missing = true
        return ''
      }
      return encodeURIComponent(String(value))
    })
    if (!missing) return path
  }
  return null
}

/**
 * Which document a frontend path shows: the location whose pattern matches, with the field
 * values its parameters name (`/posts/hello` → posts where slug = "hello").
 */
export function documentAt(
  locations: readonly PresentationLocation[],
  pathname: string,
): { kind: 'collection' | 'global'; slug: string; where: Record<string, string> } | null {
  for (const location of locations) {
    const names: string[] = []
    const source = location.path
      .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
      .map((part) => {
        if (part.startsWith(':')) {
          names.push(part.slice(1))
          return '([^/]+)'
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('')
    const match = new RegExp(`^${source}/?$`).exec(pathname)
    if (!match) continue
    const where: Record<string, string> = {}
    try {
      names.forEach((name, i) => (where[name] = decodeURIComponent(match[i + 1])))
    } catch {
      continue
    }
    if (location.global) return { kind: 'global', slug: location.global, where }
    return { kind: 'collection', slug: location.collection!, where }
  }
  return null
}
