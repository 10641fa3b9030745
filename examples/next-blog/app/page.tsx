import Link from 'next/link'
import { StatusBadge } from '@/components/status-badge'
import { getReader } from '@/lib/draft-mode'
import { listPosts, postPath } from '@/lib/queries'
import { PostMeta } from '@/components/post-meta'

export default async function HomePage() {
  const reader = await getReader()
  const posts = await listPosts(reader)
  return (
    <>
      <h1>Posts</h1>
      {posts.length === 0 && <p>Nothing published yet.</p>}
      <ul className="post-list">
        {posts.map((post) => (
          <li key={post.id}>
            <h2>
              <Link href={postPath(post)}>{post.title}</Link>
              {reader.mode === 'preview' && !reader.ended() && (
                <StatusBadge status={post._status} />
              )}
            </h2>
            {post.excerpt && <p>{post.excerpt}</p>}
            <PostMeta post={post} />
          </li>
        ))}
      </ul>
    </>
  )
}
