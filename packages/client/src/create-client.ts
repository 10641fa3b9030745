import {
  isPublishedPerspective,
  serializePerspective,
  validatePerspective,
  type ClientPerspective,
} from './client-perspective'
import { appendWhere, type Where } from './encode-query'
import { resolveConfig, type ClientConfig } from './client-config'
import { GalleyClientError } from './galley-client-error'
import { createSendRequest } from './send-request'
import { stegaEncode, type StegaSource } from './stega/stega-encode'

/** Fields Galley adds to every document it returns. */
export interface DocumentMeta {
  id: string
  _status: 'draft' | 'published' | 'changed'
  /** The layer returned: `published`, `draft` or `release:<id>`. */
  _variant: string
  _rev: string
  createdAt: string
  updatedAt: string
}

/** A page of documents. */
export interface PaginatedDocs<T> {
  docs: T[]
  totalDocs: number
  limit: number
  page: number
  totalPages: number
  hasNextPage: boolean
  hasPrevPage: boolean
}

/** Options of `find`. */
export interface FindOptions {
  where?: Where
  /** A field, `-field` for descending, or several. */
  sort?: string | readonly string[]
  limit?: number
  page?: number
  /** How deep to populate relationships. */
  depth?: number
  /** Overrides the client's perspective for this call. */
  perspective?: ClientPerspective
}

/** Options of `findById` and `findGlobal`. */
export interface FindOneOptions {
  depth?: number
  perspective?: ClientPerspective
}

/** What `validatePreviewSecret` answers (the shape `@galley/preview` expects). */
export interface PreviewSecretAnswer {
  isValid: boolean
  perspective?: string | readonly string[] | null
  /** ISO 8601. */
  expiresAt?: string | null
  /** The grant's id: reads for the preview session send it back as `previewGrant`. */
  grant?: string | null
}

/** The request header that carries {@link ClientConfig.previewGrant}. */
export const PREVIEW_GRANT_HEADER = 'Galley-Preview-Grant'

/**
 * Whether an error says that the preview session's grant was revoked or has expired: show
 * published content (and clear the draft-mode cookie) instead of an error page.
 * @example catch (e) { if (isPreviewEnded(e)) return renderPublished() }
 */
export function isPreviewEnded(error: unknown): boolean {
  return error instanceof GalleyClientError && error.code === 'PREVIEW_ENDED'
}

/** Maps collection (or global) slugs to document types. */
export type DocumentTypes = Record<string, object>

/** A Galley REST client; every method resolves parsed JSON or throws a {@link GalleyClientError}. */
export interface GalleyClient<
  Collections extends DocumentTypes = Record<string, Record<string, unknown>>,
  Globals extends DocumentTypes = Record<string, Record<string, unknown>>,
> {
  /** The resolved, frozen configuration. */
  config(): Readonly<ClientConfig>
  /** A raw request to `url` + `path` with the token; resolves the parsed JSON body. */
  fetch<T = unknown>(path: string, init?: RequestInit): Promise<T>
  find<C extends keyof Collections & string>(
    collection: C,
    options?: FindOptions,
  ): Promise<PaginatedDocs<Collections[C] & DocumentMeta>>
  findById<C extends keyof Collections & string>(
    collection: C,
    id: string,
    options?: FindOneOptions,
  ): Promise<Collections[C] & DocumentMeta>
  findGlobal<G extends keyof Globals & string>(
    slug: G,
    options?: FindOneOptions,
  ): Promise<Globals[G]>
  /** A new client with `partial` laid over this one's configuration. */
  withConfig(partial: Partial<ClientConfig>): GalleyClient<Collections, Globals>
  /** Asks the server whether a preview secret is valid (`POST /api/preview/validate`). */
  validatePreviewSecret(secret: string): Promise<PreviewSecretAnswer>
}

const SLUG = /^[A-Za-z0-9_-]{1,64}$/
let warnedAboutBrowserToken = false

/**
 * Creates a client for Galley's REST API. Type it with your collections (and globals) to get
 * typed results.
 *
 * @example
 * const client = createClient<{ posts: Post }>({ url: 'https://cms.example' })
 * const { docs } = await client.find('posts', { where: { slug: { equals: 'hello' } } })
 * const preview = client.withConfig({ token, perspective: 'drafts', stega: { enabled: true, studioUrl } })
 */
export function createClient<
  Collections extends DocumentTypes = Record<string, Record<string, unknown>>,
  Globals extends DocumentTypes = Record<string, Record<string, unknown>>,
>(options: ClientConfig): GalleyClient<Collections, Globals> {
  const config = resolveConfig(options)
  const request = createSendRequest(config)

  if (
    config.token &&
    !config.ignoreBrowserTokenWarning &&
    typeof window !== 'undefined' &&
    !warnedAboutBrowserToken
  ) {
    warnedAboutBrowserToken = true
    console.warn(
      '@galley/client: a token was given in browser code, where anyone can read it. ' +
        'Use tokens on the server only, or pass ignoreBrowserTokenWarning: true if this is deliberate.',
    )
  }

  // A preview session's reads go to the server even in `published`: a CDN cannot tell that
  // the session's grant ended.
  const readBase = (perspective: ClientPerspective) =>
    config.useCdn && isPublishedPerspective(perspective) && !config.previewGrant
      ? (config.cdnUrl ?? config.url)
      : config.url

  const withStega = <T>(value: T, perspective: ClientPerspective, source: StegaSource): T =>
    config.stega?.enabled && !isPublishedPerspective(perspective)
      ? stegaEncode(value, source, { fields: config.stega.fields, filter: config.stega.filter })
      : value

  // A preview session's reads name its grant, in every perspective (a session in `published`
  // still shows the preview's marks and may read what its token allows), so the server ends
  // them all when the grant is revoked or expires.
  const grantHeaders: Record<string, string> | undefined = config.previewGrant
    ? { [PREVIEW_GRANT_HEADER]: config.previewGrant }
    : undefined
  const readInit: RequestInit | undefined = grantHeaders ? { headers: grantHeaders } : undefined

  function readParams(perspective: ClientPerspective, depth: number | undefined): URLSearchParams {
    const params = new URLSearchParams()
    params.set('perspective', serializePerspective(perspective))
    if (depth !== undefined) params.set('depth', String(checkInteger(depth, 'depth', 0)))
    return params
  }

  return {
    config: () => config,

    fetch: (path, init) =>
      request(
        config.url,
        path,
        grantHeaders
          ? { ...init, headers: { ...grantHeaders, ...headersObject(init?.headers) } }
          : init,
      ),

    async find(collection, opts = {}) {
      const perspective = pick(opts.perspective, config.perspective)
      const params = new URLSearchParams()
      if (opts.where) appendWhere(params, opts.where)
      for (const [k, v] of readParams(perspective, opts.depth)) params.append(k, v)
      if (opts.sort !== undefined) {
        params.set('sort', typeof opts.sort === 'string' ? opts.sort : opts.sort.join(','))
      }
      if (opts.limit !== undefined)
        params.set('limit', String(checkInteger(opts.limit, 'limit', 0)))
      if (opts.page !== undefined) params.set('page', String(checkInteger(opts.page, 'page', 1)))
      const page = await request<PaginatedDocs<Collections[typeof collection] & DocumentMeta>>(
        readBase(perspective),
        `/api/${checkSlug(collection, 'collection')}?${params}`,
        readInit,
      )
      return {
        ...page,
        docs: page.docs.map((doc) =>
          withStega(doc, perspective, { kind: 'collection', collection, id: String(doc.id) }),
        ),
      }
    },

    async findById(collection, id, opts = {}) {
      const perspective = pick(opts.perspective, config.perspective)
      const path = `/api/${checkSlug(collection, 'collection')}/${checkSlug(id, 'id')}`
      const doc = await request<Collections[typeof collection] & DocumentMeta>(
        readBase(perspective),
        `${path}?${readParams(perspective, opts.depth)}`,
        readInit,
      )
      return withStega(doc, perspective, { kind: 'collection', collection, id })
    },

    async findGlobal(slug, opts = {}) {
      const perspective = pick(opts.perspective, config.perspective)
      const data = await request<Globals[typeof slug]>(
        readBase(perspective),
        `/api/globals/${checkSlug(slug, 'global slug')}?${readParams(perspective, opts.depth)}`,
        readInit,
      )
      return withStega(data, perspective, { kind: 'global', slug })
    },

    withConfig: (partial) => createClient<Collections, Globals>({ ...options, ...partial }),

    async validatePreviewSecret(secret) {
      if (!config.token) {
        throw new GalleyClientError(
          'TOKEN_MISSING',
          0,
          'validatePreviewSecret needs a token: create the client with a server-side token with the read:drafts scope.',
        )
      }
      if (typeof secret !== 'string' || secret === '') return { isValid: false }
      let answer: unknown
      try {
        answer = await request(config.url, '/api/preview/validate', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ secret }),
        })
      } catch (error) {
        // Some servers refuse a bad secret with an error status but still say `isValid: false`.
        if (error instanceof GalleyClientError && isValidityAnswer(error.cause)) return error.cause
        throw error
      }
      if (!isValidityAnswer(answer)) {
        throw new GalleyClientError(
          'INVALID_RESPONSE',
          200,
          'POST /api/preview/validate: expected { isValid, perspective, expiresAt }.',
        )
      }
      return answer
    },
  }
}

function pick(
  perspective: ClientPerspective | undefined,
  fallback: ClientPerspective | undefined,
): ClientPerspective {
  return perspective === undefined ? (fallback ?? 'published') : validatePerspective(perspective)
}

function headersObject(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  new Headers(init).forEach((value, name) => (out[name] = value))
  return out
}

function checkSlug(value: string, what: string): string {
  if (typeof value !== 'string' || !SLUG.test(value)) {
    throw new TypeError(
      `Invalid ${what} ${JSON.stringify(value)}: use letters, digits, '-' and '_' (1–64).`,
    )
  }
  return value
}

function checkInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}, got ${String(value)}.`)
  }
  return value
}

function isValidityAnswer(value: unknown): value is PreviewSecretAnswer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { isValid?: unknown }).isValid === 'boolean'
  )
}
