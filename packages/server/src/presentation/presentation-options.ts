import { ConfigError } from '@galley/core'

/** Where a document is shown on the frontend: `{ collection: 'posts', path: '/posts/:slug' }`. */
export interface PresentationLocation {
  /** A collection's slug (or `global` for a global). */
  collection?: string
  global?: string
  /** A path with `:field` parameters filled from the document (`/posts/:slug`), or a fixed path. */
  path: string
}

/**
 * The Studio's presentation view (`/admin/presentation`): the frontend in an iframe beside
 * the editor. `createServer({ presentation: { url: 'https://site.example', … } })`.
 */
export interface PresentationOptions {
  /** The frontend's base URL, e.g. `http://localhost:3000`. */
  url: string
  /** The frontend's draft-mode enable route. Default: `preview.url`, else `<url>/api/draft-mode/enable`. */
  enableUrl?: string
  /**
   * Origins the Studio accepts messages from and may frame. Default: the origin of `url`.
   * `'*'` is refused.
   */
  allowOrigins?: readonly string[]
  /** Frontend paths of documents, both ways: selecting a document opens its path and back. */
  locations?: readonly PresentationLocation[]
  /** The path the view opens first. Default `/`. */
  initialPath?: string
}

/** Presentation options with defaults, as the Studio reads them from `GET /api/presentation`. */
export interface ResolvedPresentation {
  url: string
  origin: string
  enableUrl: string
  allowOrigins: string[]
  locations: PresentationLocation[]
  initialPath: string
}

/** Checks the options at start-up (`ConfigError` naming what to change). */
export function resolvePresentation(
  options: PresentationOptions | undefined,
  previewUrl: string | undefined,
): ResolvedPresentation | null {
  if (!options) return null
  const url = httpUrl(options.url, 'presentation.url')
  const enableUrl = httpUrl(
    options.enableUrl ?? previewUrl ?? `${url.href.replace(/\/+$/, '')}/api/draft-mode/enable`,
    'presentation.enableUrl',
  )
  const allowOrigins = (options.allowOrigins ?? [url.origin]).map((origin) => {
    if (origin === '*' || origin === 'null')
      throw new ConfigError(
        `presentation.allowOrigins may not contain "${origin}": list the frontend's origins exactly.`,
      )
    return httpUrl(origin, 'presentation.allowOrigins').origin
  })
  const locations = (options.locations ?? []).map((location, i) => {
    if (typeof location?.path !== 'string' || !location.path.startsWith('/'))
      throw new ConfigError(`presentation.locations[${i}].path must start with "/".`)
    if (!location.collection === !location.global)
      throw new ConfigError(`presentation.locations[${i}] names either a collection or a global.`)
    return { ...location }
  })
  const initialPath = options.initialPath ?? '/'
  if (!initialPath.startsWith('/') || initialPath.startsWith('//'))
    throw new ConfigError('presentation.initialPath must be a path starting with one "/".')
  return {
    url: url.href.replace(/\/+$/, ''),
    origin: url.origin,
    enableUrl: enableUrl.href,
    allowOrigins,
    locations,
    initialPath,
  }
}

function httpUrl(value: string, name: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ConfigError(`${name} must be an absolute http(s) URL; got ${JSON.stringify(value)}.`)
  return url
}
