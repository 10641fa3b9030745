import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { cache } from 'react'
import { stegaClean } from '@galley/client'
import { LivePost } from '@/components/draft-tools'
import { PostBody } from '@/components/post-body'
import { StatusBadge } from '@/components/status-badge'
import { getReader } from '@/lib/draft-mode'
import { findPostBySlug, publishedSlugs } from '@/lib/queries'

type Props = { params: Promise<{ slug: string }> }

// Published posts are rendered by `next build`; any other slug is tried on request (a post
// published later, or a draft in preview) and is a 404 for the public until published.
export const dynamicParams = true

export async function generateStaticParams(): Promise<{ slug: string }[]> {
  return (await publishedSlugs()).map((slug) => ({ slug }))
}

const loadPost = cache(async (slug: string) => findPostBySlug(await getReader(), slug))

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const post = await loadPost((await params).slug)
  if (!post) return {}
  return {
    title: stegaClean(post.seo?.title || post.title),
    description: stegaClean(post.seo?.description || post.excerpt || undefined),
  }
}

export default async function PostPage({ params }: Props) {
  const { slug } = await params
  const [reader, post] = await Promise.all([getReader(), loadPost(slug)])
  if (!post) notFound()
  const preview = reader.mode === 'preview' && !reader.ended()
  return (
    <article>
      {preview ? <LivePost post={post} /> : <PostBody post={post} />}
      {preview && <StatusBadge status={post._status} />}
    </article>
  )
}
