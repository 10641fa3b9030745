import { validatePerspective, type ClientPerspective } from './client-perspective'
import type { StegaConfig } from './stega/stega-encode'

/** Options of {@link createClient}. */
export interface ClientConfig {
  /** The Galley server, e.g. `https://cms.example` (a path prefix is kept). */
  url: string
  /** Sent only as `Authorization: Bearer …`. Needed for drafts and preview validation. */
  token?: string
  /** Default `published`. */
  perspective?: ClientPerspective
  /**
   * Read `published` content through `cdnUrl`. Default `false`. Forced off for every other
   * perspective, so drafts never come from (or land in) a shared cache.
   */
  useCdn?: boolean
  /** Where CDN reads go. Default: `url` (point it at your CDN in front of Galley). */
  cdnUrl?: string
  /** Default `{ enabled: false }`. */
  stega?: StegaConfig
  /** Extra headers on every request. */
  headers?: Record<string, string>
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof globalThis.fetch
  /**
   * The preview grant of the draft-mode session this client reads for (`grant` from
   * `@galley/preview`'s `getDraftMode`). Sent as `Galley-Preview-Grant` with every read, in
   * every perspective, so that the Galley server refuses them (`PREVIEW_ENDED`, see
   * `isPreviewEnded`) once the link is revoked or expires; reads with a grant never go to
   * the CDN (`useCdn`), which could not tell. Default none.
   */
  previewGrant?: string
  /** Silence the warning about a token in browser code. Default `false`. */
  ignoreBrowserTokenWarning?: boolean
}

/** Defaults laid under every client configuration. */
export const DEFAULTS = Object.freeze({
  perspective: 'published' as ClientPerspective,
  useCdn: false,
  ignoreBrowserTokenWarning: false,
})

/** Checks options and fills in defaults; throws a `TypeError` that says what to change. */
export function resolveConfig(options: ClientConfig): Readonly<ClientConfig> {
  if (!options || typeof options.url !== 'string') {
    throw new TypeError(
      'createClient: `url` is required, e.g. createClient({ url: "https://cms.example" }).',
    )
  }
  const config = { ...DEFAULTS, ...options }
  config.url = checkBaseUrl(config.url, 'url')
  if (config.cdnUrl !== undefined) config.cdnUrl = checkBaseUrl(config.cdnUrl, 'cdnUrl')
  config.perspective = validatePerspective(config.perspective)
  if (config.token !== undefined && (typeof config.token !== 'string' || config.token === '')) {
    throw new TypeError('createClient: `token` must be a non-empty string when given.')
  }
  if (
    config.previewGrant !== undefined &&
    (typeof config.previewGrant !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(config.previewGrant))
  ) {
    throw new TypeError(
      'createClient: `previewGrant` must be the grant id of a draft-mode session (1–64 characters of A-Z a-z 0-9 _ -).',
    )
  }
  if (config.stega?.fields !== undefined) {
    for (const [key, on] of Object.entries(config.stega.fields)) {
      if (typeof on !== 'boolean' || !/^(?:[^:\s]+:)?[^:\s]+$/.test(key)) {
        throw new TypeError(
          `createClient: stega.fields["${key}"] must be true or false under a field path such as "seo.title" or "posts:summary".`,
        )
      }
    }
  }
  return Object.freeze(config)
}

function checkBaseUrl(value: string, name: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(
      `createClient: \`${name}\` must be an absolute http(s) URL, got "${value}".`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`createClient: \`${name}\` must be an http(s) URL, got "${value}".`)
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError(
      `createClient: \`${name}\` must not carry a query, hash or credentials (put the token in \`token\`).`,
    )
  }
  return url.href.replace(/\/+$/, '')
}
