/** Date and author line of a post. */
export function PostMeta({
  post,
}: {
  post: { publishedAt?: string | null; author?: { name: string } | string | null }
}) {
  const author = typeof post.author === 'object' && post.author ? post.author.name : null
  const date = post.publishedAt ? new Date(post.publishedAt) : null
  if (!author && !date) return null
  return (
    <p className="meta">
      {date && <time dateTime={date.toISOString()}>{date.toISOString().slice(0, 10)}</time>}
      {date && author && ' · '}
      {author}
    </p>
  )
}
