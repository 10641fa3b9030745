import 'server-only'
import { cache } from 'react'
import { draftMode } from 'next/headers'
import { createClient, type ClientPerspective } from '@galley/client'
import { PREVIEW_PARAMS, type ResolvePath } from '@galley/preview'
import { createNextDraftModeHandlers, type NextDraftModeHandlers } from '@galley/preview/next'
import {
  endingClient,
  galleyUrl,
  previewClient,
  publicClient,
  readToken,
  type Reader,
} from './galley-client'
import { findPostBySlug, postPath } from './queries'

let handlers: NextDraftModeHandlers | undefined

/**
 * The draft-mode route handlers, made on first use so that `next build` does not need the
 * secrets. `GALLEY_DRAFT_COOKIE_SECRET` signs the draft-mode cookie and nothing else.
 */
export function galleyDraftMode(): NextDraftModeHandlers {
  const cookieSecret = process.env.GALLEY_DRAFT_COOKIE_SECRET
  if (!cookieSecret)
    throw new Error(
      'GALLEY_DRAFT_COOKIE_SECRET is not set: use at least 32 random characters (openssl rand -base64 32), for this and nothing else.',
    )
  handlers ??= createNextDraftModeHandlers({
    client: createClient({ url: galleyUrl(), token: readToken() }),
    cookieSecret,
    resolvePath,
  })
  return handlers
}

/**
 * Where a valid preview link may send the editor: only to a page of this site whose document
 * exists in the secret's perspective, and always to the path built from that document —
 * never to the query value itself (as Next's draft-mode guide asks). A missing path, one the
 * sanitiser had to change (another host, backslashes, control characters …) or an unknown
 * post gives `null`: 404 and no cookie.
 */
export const resolvePath: ResolvePath = async (request, { pathname, perspective }) => {
  const requested = new URL(request.url).searchParams.get(PREVIEW_PARAMS.pathname)
  if (requested === null || requested !== pathname) return null
  const path = new URL(pathname, 'http://site.invalid').pathname.replace(/(.)\/+$/, '$1')
  if (path === '/') return '/'
  if (path === '/about') return '/about'
  const match = /^\/posts\/([^/]+)$/.exec(path)
  if (!match) return null
  let slug: string
  try {
    slug = decodeURIComponent(match[1])
  } catch {
    return null
  }
  const reader = previewReader(perspective, new Date(Date.now() + 60_000), null)
  const post = await findPostBySlug(reader, slug)
  return post ? postPath(post) : null
}

/**
 * The reader of this request. Outside draft mode this touches no cookie, so pages stay
 * static; in draft mode only Galley's signed cookie (not a cookie that is merely present)
 * unlocks drafts, and its grant goes with every read so that revoking the link ends it.
 */
export const getReader = cache(async (): Promise<Reader> => {
  const { isEnabled } = await draftMode()
  if (!isEnabled) return { mode: 'public', client: publicClient }
  const state = await galleyDraftMode().getDraftMode()
  if (!state.isEnabled) return { mode: 'expired', client: publicClient }
  return previewReader(state.perspective, state.expiresAt, state.grant)
})

/** Preview reads; once one finds the preview ended, this request shows published content. */
function previewReader(
  perspective: ClientPerspective,
  expiresAt: Date,
  grant: string | null,
): Reader {
  const state = { ended: false }
  return {
    mode: 'preview',
    perspective,
    expiresAt,
    client: (tags) => endingClient(previewClient(perspective, grant), publicClient(tags), state),
    ended: () => state.ended,
  }
}
