import 'server-only'
import { GalleyClientError, stegaClean } from '@galley/client'
import type { DocumentMeta } from '@galley/client'
import type { Post, Settings } from './content-types'
import { TAGS, publicClient, type Reader } from './galley-client'

export type PostDoc = Post & DocumentMeta

/** Slugs the example config accepts (`slug` fields): anything else is not looked up. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,199}$/i

/** The site settings global; a placeholder when the server has none yet. */
export async function getSettings(reader: Reader): Promise<Settings> {
  try {
    return await reader.client([TAGS.settings]).findGlobal('settings')
  } catch (error) {
    if (error instanceof GalleyClientError && error.status === 404)
      return { siteName: 'Galley Blog' }
    throw error
  }
}

/** The newest posts, authors populated. */
export async function listPosts(reader: Reader): Promise<PostDoc[]> {
  const { docs } = await reader
    .client([TAGS.posts, TAGS.authors])
    .find('posts', { sort: '-publishedAt', limit: 50, depth: 1 })
  return docs
}

/** The post with `slug` as the reader sees it, or null. */
export async function findPostBySlug(reader: Reader, slug: string): Promise<PostDoc | null> {
  if (!SLUG.test(slug)) return null
  const { docs } = await reader
    .client([TAGS.posts, TAGS.authors])
    .find('posts', { where: { slug: { equals: slug } }, limit: 1, depth: 1 })
  return docs[0] ?? null
}

/** Slugs of every published post: the pages `next build` renders ahead of time. */
export async function publishedSlugs(): Promise<string[]> {
  const client = publicClient([TAGS.posts])
  const slugs: string[] = []
  for (let page = 1; ; page++) {
    const result = await client.find('posts', { limit: 100, page, sort: '-publishedAt' })
    for (const doc of result.docs) if (SLUG.test(doc.slug)) slugs.push(doc.slug)
    if (!result.hasNextPage) return slugs
  }
}

/** The site path of a post, from the document's own slug. */
export function postPath(post: Pick<Post, 'slug'>): string {
  return `/posts/${encodeURIComponent(stegaClean(post.slug))}`
}
