import { vercelStegaClean, vercelStegaDecode } from '@vercel/stega'
import { describe, expect, it } from 'vitest'
import { defaultStegaFilter, stegaEncode } from './stega-encode'

const STUDIO = 'https://cms.test/studio/'
const source = { kind: 'collection', collection: 'posts', id: 'p1' } as const

const doc = {
  id: 'p1',
  _rev: 'r1',
  _status: 'draft',
  title: 'Hello',
  slug: 'hello',
  createdAt: '2024-01-01T00:00:00.000Z',
  date: '2024-05-06',
  link: 'https://example.org',
  internal: '/blog/x',
  authorId: 'a1',
  blank: '  ',
  count: 3,
  blocks: [{ heading: 'Intro', image: { src: 'img.png', alt: 'A cat' } }],
}

describe('stegaEncode', () => {
  it('marks text with the Studio link of its field and leaves identifiers alone', () => {
    const out = stegaEncode(doc, source, { studioUrl: STUDIO })
    expect(out.title).not.toBe('Hello')
    expect(vercelStegaDecode(out.title)).toEqual({
      origin: 'galley',
      href: 'https://cms.test/studio/collections/posts/p1?path=title',
    })
    expect(vercelStegaDecode(out.blocks[0].heading)).toMatchObject({
      href: 'https://cms.test/studio/collections/posts/p1?path=blocks.0.heading',
    })
    expect(vercelStegaDecode(out.blocks[0].image.alt)).toBeDefined()
    for (const key of [
      'id',
      '_rev',
      '_status',
      'slug',
      'createdAt',
      'date',
      'link',
      'internal',
      'authorId',
      'blank',
    ] as const) {
      expect(out[key]).toBe(doc[key])
    }
    expect(out.blocks[0].image.src).toBe('img.png')
    expect(out.count).toBe(3)
    expect(vercelStegaClean(out)).toEqual(doc)
    expect(doc.title).toBe('Hello') // the input is not changed
  })

  it('links globals to their page', () => {
    const out = stegaEncode(
      { siteName: 'Galley' },
      { kind: 'global', slug: 'settings' },
      { studioUrl: STUDIO },
    )
    expect(vercelStegaDecode(out.siteName)).toEqual({
      origin: 'galley',
      href: 'https://cms.test/studio/globals/settings?path=siteName',
    })
  })

  it('takes a filter that can extend the default', () => {
    const out = stegaEncode(doc, source, {
      studioUrl: STUDIO,
      filter: (c) => c.path[0] !== 'title' && c.filterDefault(c),
    })
    expect(out.title).toBe('Hello')
    expect(out.blocks[0].heading).not.toBe('Intro')
    expect(out.slug).toBe('hello')
  })

  it('default filter skips by key and by value', () => {
    const f = (value: string, path: (string | number)[]) =>
      defaultStegaFilter({ value, path, source })
    expect(f('Hello', ['title'])).toBe(true)
    expect(f('Hello', ['seo', 'slug'])).toBe(false)
    expect(f('x', ['_variant'])).toBe(false)
    expect(f('mailto:a@b.c', ['contact'])).toBe(false)
    expect(f('2024-01-01T10:00:00Z', ['when'])).toBe(false)
  })
})
