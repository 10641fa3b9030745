// The stand-in site's browser script in draft mode: overlays, live preview of the post.
import { enableVisualEditing, subscribeLiveDocument } from '../../src/index'

const config = JSON.parse(document.getElementById('galley-config')!.textContent!) as {
  studioOrigins: string[]
}
enableVisualEditing({ studioOrigins: config.studioOrigins })
const data = document.getElementById('post-data')
if (data) {
  const post = JSON.parse(data.textContent!) as { id: string; title: string; excerpt?: string }
  subscribeLiveDocument(post, { collection: 'posts', id: post.id }, (live) => {
    document.querySelector('h1')!.textContent = live.title
    const excerpt = document.querySelector('.excerpt')
    if (excerpt) excerpt.textContent = live.excerpt ?? ''
  })
}
