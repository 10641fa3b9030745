import type { Post } from '@/lib/content-types'
import { PostMeta } from './post-meta'
import { RichText } from './rich-text'

/** A post's headline, byline, excerpt and body; the same markup in public and draft mode. */
export function PostBody({ post }: { post: Post }) {
  return (
    <>
      <h1 data-testid="post-title">{post.title}</h1>
      <PostMeta post={post} />
      {post.excerpt && (
        <p>
          <em>{post.excerpt}</em>
        </p>
      )}
      <RichText blocks={post.body} />
    </>
  )
}
