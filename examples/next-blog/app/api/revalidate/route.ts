import { revalidateTag } from 'next/cache'
import { isAuthorizedRevalidation } from '@/lib/revalidate-auth'

const MAX_BODY = 64 * 1024
const MAX_TAGS = 128
// What the Galley server sends: `posts`, `posts:<id>`, `globals:settings`.
const TAG = /^[A-Za-z0-9_:.-]{1,256}$/

/**
 * On-demand revalidation for Galley's cache-purge webhook (configure it with
 * `webhooks: [{ url: 'https://site/api/revalidate', secret: REVALIDATE_SECRET }]`).
 * The body is `{ event, tags, at }`; every tag is expired at once, so the next visit
 * renders the published content again. Purging is idempotent, so a replayed delivery can
 * do no more than an early re-render.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = process.env.REVALIDATE_SECRET
  if (!secret || secret.length < 16)
    return json(500, { error: 'REVALIDATE_SECRET is not set (at least 16 characters).' })
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY)
    return json(413, { error: 'Body too large.' })
  const body = await request.text()
  if (body.length > MAX_BODY) return json(413, { error: 'Body too large.' })
  if (!isAuthorizedRevalidation(request.headers, body, secret))
    return json(401, { error: 'Bad signature or secret.' })

  let tags: unknown
  try {
    tags = (JSON.parse(body) as { tags?: unknown }).tags
  } catch {
    return json(400, { error: 'Body must be JSON: { "tags": ["posts", …] }.' })
  }
  if (
    !Array.isArray(tags) ||
    tags.length === 0 ||
    tags.length > MAX_TAGS ||
    !tags.every((t) => typeof t === 'string' && TAG.test(t))
  )
    return json(400, { error: `tags must be 1–${MAX_TAGS} cache tags such as "posts:abc".` })

  for (const tag of new Set(tags as string[])) revalidateTag(tag, { expire: 0 })
  return json(200, { revalidated: true, tags, now: Date.now() })
}

function json(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } })
}
