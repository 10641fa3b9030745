import 'server-only'
import {
  createClient,
  isPreviewEnded,
  type ClientPerspective,
  type GalleyClient,
} from '@galley/client'
import type { Collections, Globals } from './content-types'

export type SiteClient = GalleyClient<Collections, Globals>

/**
 * Cache tags, named as the Galley server names them in its purge webhooks: a publish of a
 * post sends `posts` and `posts:<id>`, of an author `authors` and `authors:<id>`, of the
 * settings global `globals:settings`.
 */
export const TAGS = Object.freeze({
  posts: 'posts',
  authors: 'authors',
  settings: 'globals:settings',
})

/**
 * How a page reads content:
 * - `public`: published only, anonymous, cached by Next until a tag is purged;
 * - `preview`: the perspective of a valid draft-mode cookie, with the server-side token,
 *   never cached (no CDN, no Next data cache);
 * - `expired`: Next's draft mode is on but Galley's signed cookie is gone or expired, so
 *   the page shows published content and the banner offers to leave;
 * - `preview` whose `ended()` turns true: the Galley server refused a read because the
 *   preview link was revoked or expired (`PREVIEW_ENDED`); that read and every later one of
 *   the request show published content, and the banner says the preview ended.
 */
export type Reader =
  | { mode: 'public'; client(tags: readonly string[]): SiteClient }
  | { mode: 'expired'; client(tags: readonly string[]): SiteClient }
  | {
      mode: 'preview'
      perspective: ClientPerspective
      expiresAt: Date
      client(tags: readonly string[]): SiteClient
      /** Whether a read of this request found the preview ended. */
      ended(): boolean
    }

/** The Galley API this site reads from (`GALLEY_URL`, default `http://localhost:4000`). */
export function galleyUrl(): string {
  return process.env.GALLEY_URL || 'http://localhost:4000'
}

/**
 * Origin of the Galley Studio that may frame this site in draft mode and receive its
 * click-to-edit messages (`GALLEY_STUDIO_URL`, default the origin of `GALLEY_URL`, whose
 * server serves the Studio at /admin).
 */
export function studioOrigin(): string {
  return new URL(process.env.GALLEY_STUDIO_URL || galleyUrl()).origin
}

/**
 * The read token: server-side only (never `NEXT_PUBLIC_…`), scope `read:drafts`, used to
 * validate preview secrets and read drafts.
 */
export function readToken(): string {
  const token = process.env.GALLEY_READ_TOKEN
  if (!token)
    throw new Error(
      'GALLEY_READ_TOKEN is not set: create one with `galley token create --name next-blog --scope read:drafts`.',
    )
  return token
}

/** Published, anonymous reads that Next caches under `tags` until the revalidation route purges them. */
export function publicClient(tags: readonly string[]): SiteClient {
  const cdnUrl = process.env.GALLEY_CDN_URL || undefined
  return createClient<Collections, Globals>({
    url: galleyUrl(),
    perspective: 'published',
    useCdn: Boolean(cdnUrl),
    cdnUrl,
    fetch: (input, init) =>
      fetch(input, { ...init, cache: 'force-cache', next: { tags: [...tags] } }),
  })
}

/**
 * Reads in an editor's perspective: with the token, no CDN, nothing cached. `grant` (from
 * the draft-mode cookie) goes with every read, so the Galley server refuses them once the
 * preview link is revoked or expires.
 */
export function previewClient(perspective: ClientPerspective, grant?: string | null): SiteClient {
  return createClient<Collections, Globals>({
    url: galleyUrl(),
    token: readToken(),
    perspective,
    previewGrant: grant ?? undefined,
    useCdn: false,
    // Click-to-edit marks (a short reference per string) for the overlay; never in public reads.
    stega: { enabled: true },
    fetch: (input, init) => fetch(input, { ...init, cache: 'no-store' }),
  })
}

/**
 * A preview client that falls back to `fallback` once a read says the preview ended
 * (`PREVIEW_ENDED`): that read, and every later read sharing `state`, is answered with
 * published content. Server components cannot set cookies, so the banner's "Exit preview"
 * (a POST to the disable route) is what clears the cookie.
 */
export function endingClient(
  preview: SiteClient,
  fallback: SiteClient,
  state: { ended: boolean },
): SiteClient {
  const guard =
    <A extends unknown[], R>(read: (client: SiteClient) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (!state.ended) {
        try {
          return await read(preview)(...args)
        } catch (error) {
          if (!isPreviewEnded(error)) throw error
          state.ended = true
        }
      }
      return read(fallback)(...args)
    }
  return {
    ...preview,
    find: guard((c) => c.find),
    findById: guard((c) => c.findById),
    findGlobal: guard((c) => c.findGlobal),
  }
}
