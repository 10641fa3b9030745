import { getReader } from '@/lib/draft-mode'
import { TAGS } from '@/lib/galley-client'

export const dynamic = 'force-dynamic'

const ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * An author as draft mode reads it (the session's perspective, with click-to-edit marks), for
 * live preview: when an editor picks another author in the Studio, the page fetches that one
 * here instead of waiting for a save. Outside draft mode: 401.
 */
export async function GET(request: Request): Promise<Response> {
  const reader = await getReader()
  if (reader.mode !== 'preview') return new Response('Draft mode only.', { status: 401 })
  const id = new URL(request.url).searchParams.get('id') ?? ''
  if (!ID.test(id)) return new Response('Give ?id= an author id.', { status: 400 })
  try {
    const author = await reader.client([TAGS.authors]).findById('authors', id, { depth: 0 })
    return Response.json(author, { headers: { 'Cache-Control': 'no-store' } })
  } catch {
    return new Response('No such author.', { status: 404 })
  }
}
