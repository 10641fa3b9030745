'use client'

import { useLiveDocument } from '@galley/visual-editing/react'
import type { DocumentMeta } from '@galley/client'
import type { Post } from '@/lib/content-types'
import { PostBody } from './post-body'

/**
 * The post in draft mode: the Studio's unsaved edits (sent over the presentation view's
 * channel) are laid over the fetched draft as the editor types, with no request.
 */
export function LivePost({ post }: { post: Post & DocumentMeta }) {
  const live = useLiveDocument(post, { collection: 'posts', id: String(post.id) })
  return <PostBody post={live} />
}
