import { vercelStegaClean, vercelStegaDecode, vercelStegaDecodeAll } from '@vercel/stega'
import { describe, expect, it } from 'vitest'
import { stegaClean, stegaDecode } from './stega-decode'
import { defaultStegaFilter, stegaEncode, stegaMark } from './stega-encode'
import { parseStegaRef } from './stega-ref'

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
  contact: 'ed@example.org',
  ref: '3f2b8c1e-8d4a-4c2b-9e7f-0a1b2c3d4e5f',
  blank: '  ',
  count: 3,
  blocks: [{ heading: 'Intro', image: { src: 'img.png', alt: 'A cat' } }],
}

describe('stegaEncode', () => {
  it('marks text with a short reference to its document and field', () => {
    const out = stegaEncode(doc, source)
    expect(out.title).not.toBe('Hello')
    expect(vercelStegaDecode(out.title)).toEqual({ origin: 'galley', href: 'posts/p1#title' })
    expect(vercelStegaDecode(out.blocks[0].heading)).toEqual({
      origin: 'galley',
      href: 'posts/p1#blocks.0.heading',
    })
    expect(stegaDecode(out.blocks[0].image.alt)).toMatchObject({
      source,
      path: ['blocks', 0, 'image', 'alt'],
    })
    expect(vercelStegaClean(out)).toEqual(doc)
    expect(stegaClean(out)).toEqual(doc)
    expect(doc.title).toBe('Hello') // the input is not changed
  })

  it('keeps marks short: no Studio URL and no JSON source map inside', () => {
    const out = stegaEncode({ title: 'Hello' }, source)
    const invisible = out.title.length - 'Hello'.length
    // 4 start characters + 4 per byte of {"origin":"galley","href":"posts/p1#title"}
    expect(invisible).toBe(4 + 4 * '{"origin":"galley","href":"posts/p1#title"}'.length)
    expect(invisible).toBeLessThan(200)
  })

  it('never marks ids, slugs, dates, URLs, e-mail addresses or blank strings', () => {
    const out = stegaEncode(doc, source)
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
      'contact',
      'ref',
      'blank',
    ] as const) {
      expect(out[key], key).toBe(doc[key])
    }
    expect(out.blocks[0].image.src).toBe('img.png')
    expect(out.count).toBe(3)
  })

  it('marks a URL or date that sits in a text field, not one that is the whole value', () => {
    const out = stegaEncode({ body: 'See https://example.org on 2024-05-06' }, source)
    expect(stegaDecode(out.body)).toBeDefined()
  })

  it('takes an override per field, for one collection or all', () => {
    const out = stegaEncode(doc, source, {
      fields: { 'posts:link': true, title: false, 'blocks.image.alt': false, 'pages:slug': true },
    })
    expect(stegaDecode(out.link)).toMatchObject({ path: ['link'] })
    expect(out.title).toBe('Hello')
    expect(out.blocks[0].image.alt).toBe('A cat')
    expect(out.slug).toBe('hello') // the override was for pages
    expect(stegaDecode(out.blocks[0].heading)).toBeDefined()
  })

  it('links globals by slug', () => {
    const out = stegaEncode({ siteName: 'Galley' }, { kind: 'global', slug: 'settings' })
    expect(vercelStegaDecode(out.siteName)).toEqual({
      origin: 'galley',
      href: '~settings#siteName',
    })
    expect(stegaDecode(out.siteName)).toMatchObject({
      source: { kind: 'global', slug: 'settings' },
      path: ['siteName'],
    })
  })

  it('takes a filter that can extend the default', () => {
    const out = stegaEncode(doc, source, {
      filter: (c) => c.path[0] !== 'title' && c.filterDefault(c),
    })
    expect(out.title).toBe('Hello')
    expect(out.blocks[0].heading).not.toBe('Intro')
    expect(out.slug).toBe('hello')
  })

  it('does not mark a string twice', () => {
    const once = stegaEncode({ title: 'Hi' }, source)
    const twice = stegaEncode(once, source)
    expect(twice.title).toBe(once.title)
  })

  it('default filter skips by key and by value', () => {
    const f = (value: string, path: (string | number)[]) =>
      defaultStegaFilter({ value, path, source })
    expect(f('Hello', ['title'])).toBe(true)
    expect(f('Note: read this', ['title'])).toBe(true)
    expect(f('Hello', ['seo', 'slug'])).toBe(false)
    expect(f('x', ['_variant'])).toBe(false)
    expect(f('mailto:a@b.c', ['contact'])).toBe(false)
    expect(f('2024-01-01T10:00:00Z', ['when'])).toBe(false)
  })

  it('escapes references so odd ids and keys survive', () => {
    const odd = { kind: 'collection', collection: 'posts', id: 'a/b#c.d' } as const
    const mark = stegaMark(odd, ['blocks', 2, 'we.ird'])
    expect(stegaDecode(`x${mark}`)).toMatchObject({ source: odd, path: ['blocks', 2, 'we.ird'] })
    expect(parseStegaRef('not a ref')).toBeUndefined()
    expect(vercelStegaDecodeAll(`a${mark}`)).toHaveLength(1)
  })
})
