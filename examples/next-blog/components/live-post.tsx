'use client'

import { useCallback, useRef, useState } from 'react'
import type { DocumentMeta } from '@galley/client'
import { useLiveDocument } from '@galley/visual-editing/react'
import type { Author, Post } from '@/lib/content-types'
import { PostBody } from './post-body'

type LoadedAuthor = Author & { id: string }

/**
 * The post in draft mode: the Studio's unsaved edits (sent over the presentation view's
 * channel) are laid over the fetched draft as the editor types, with no request; another
 * author picked in the Studio is fetched once, in the draft perspective, from /api/draft-author.
 */
export function LivePost({ post }: { post: Post & DocumentMeta }) {
  const [authors, setAuthors] = useState<Record<string, LoadedAuthor>>({})
  const asked = useRef(new Set<string>())
  const related = useCallback(
    (path: string, id: unknown) => {
      if (path !== 'author' || (typeof id !== 'string' && typeof id !== 'number')) return undefined
      const key = String(id)
      if (authors[key]) return authors[key]
      if (!asked.current.has(key)) {
        asked.current.add(key)
        void fetch(`/api/draft-author?id=${encodeURIComponent(key)}`)
          .then((res) => (res.ok ? (res.json() as Promise<LoadedAuthor>) : null))
          .then((author) => author && setAuthors((all) => ({ ...all, [key]: author })))
      }
      return undefined
    },
    [authors],
  )
  const live = useLiveDocument(post, { collection: 'posts', id: String(post.id) }, { related })
  return <PostBody post={live} />
}
