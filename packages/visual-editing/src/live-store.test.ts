import { describe, expect, it } from 'vitest'
import { stegaEncode } from '@galley/client'
import { documentKey, liveStore, mergeLiveValues, subscribeLiveDocument } from './live-store'
import { findMarks } from './stega-marks'

const rendered = stegaEncode(
  {
    id: 'p1',
    title: 'Published title',
    slug: 'hello',
    views: 3,
    author: { id: 'a1', name: 'Ada' },
    blocks: [{ heading: 'One' }, { heading: 'Two' }],
  },
  { kind: 'collection', collection: 'posts', id: 'p1' },
)

describe('live values', () => {
  it('lays unsaved values over the rendered document and keeps marks where they were', () => {
    const live = mergeLiveValues(
      rendered,
      { title: 'Typed', slug: 'hello-2', views: 4, blocks: [{ heading: 'Uno' }] },
      'posts/p1',
    )
    expect(findMarks(live.title)).toMatchObject([{ document: 'posts/p1', path: 'title' }])
    expect(live.title.startsWith('Typed')).toBe(true)
    expect(live.slug).toBe('hello-2') // unmarked before, unmarked now
    expect(live.views).toBe(4)
    expect(live.blocks).toHaveLength(1)
    expect(findMarks(live.blocks[0].heading)).toMatchObject([{ path: 'blocks.0.heading' }])
    expect(live.author).toBe(rendered.author) // not sent: unchanged
  })

  it('keeps a populated relationship while its id holds, and asks for a changed one', () => {
    expect(mergeLiveValues(rendered, { author: 'a1' }, 'posts/p1').author).toBe(rendered.author)
    const other = { id: 'a2', name: 'Grace' }
    const asked: unknown[] = []
    const live = mergeLiveValues(rendered, { author: 'a2' }, 'posts/p1', {
      related: (path, id) => (asked.push([path, id]), other),
    })
    expect(live.author).toBe(other)
    expect(asked).toEqual([['author', 'a2']])
  })

  it('subscribe delivers each change for its document only, and clear returns to rendered', () => {
    const seen: string[] = []
    const stop = subscribeLiveDocument(rendered, { collection: 'posts', id: 'p1' }, (d) =>
      seen.push(String(d.title).slice(0, 5)),
    )
    liveStore.set(documentKey({ collection: 'posts', id: 'p2' }), { title: 'Other' })
    liveStore.set('posts/p1', { title: 'Hello' })
    liveStore.clear()
    stop()
    liveStore.set('posts/p1', { title: 'After' })
    expect(seen).toEqual(['Hello', 'Publi'])
    expect(documentKey({ global: 'site.settings' })).toBe('~site%2Esettings')
  })
})
