import { vercelStegaCombine, vercelStegaDecode } from '@vercel/stega'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stegaClean, stegaDecode, stegaDecodeAll, stegaEqual, stegaSplit } from './stega-decode'
import { stegaEncode, stegaMark } from './stega-encode'
import type { StegaSource } from './stega-ref'

const source: StegaSource = { kind: 'collection', collection: 'posts', id: 'p1' }
const ZW = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u2062']

// Text that mixes ordinary characters with every zero-width character stega uses.
const textWithInvisibles = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) },
      { weight: 2, arbitrary: fc.constantFrom(...ZW) },
      { weight: 1, arbitrary: fc.constantFrom('👨‍👩‍👧', 'می‌خواهم', '\u200b\u200b\u200b\u200b') },
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''))
  .filter((s) => s.trim() !== '')

describe('stegaDecode with content that holds zero-width characters', () => {
  it('reads the mark after emoji joiners, ZWNJ and a trailing BOM', () => {
    for (const text of [
      '👨‍👩‍👧 family',
      'می‌خواهم',
      'end\ufeff',
      'a\u200b\u200b\u200b\u200b',
      '\u200b',
    ]) {
      const marked = stegaEncode({ title: text }, source).title
      expect(stegaDecode(marked), JSON.stringify(text)).toMatchObject({ path: ['title'], source })
      expect(stegaClean(marked)).toBe(text)
    }
  })

  it('property: encode then clean gives the text back, and decode finds the field', () => {
    fc.assert(
      fc.property(textWithInvisibles, (text) => {
        const marked = stegaEncode({ title: text }, source, { fields: { title: true } }).title
        expect(stegaClean(marked)).toBe(text)
        expect(stegaDecode(marked)).toMatchObject({ source, path: ['title'] })
        expect(stegaEqual(marked, text)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('property: text without a mark decodes to nothing and cleans to itself', () => {
    fc.assert(
      fc.property(textWithInvisibles, (text) => {
        expect(stegaDecode(text)).toBeUndefined()
        expect(stegaClean(text)).toBe(text)
      }),
      { numRuns: 500 },
    )
  })

  it('property: @vercel/stega reads our marks on ordinary text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (text, id) => {
          const src: StegaSource = { kind: 'collection', collection: 'posts', id }
          const marked = text + stegaMark(src, ['title'])
          const info = vercelStegaDecode(marked) as { origin: string; href: string }
          expect(info.origin).toBe('galley')
          expect(stegaDecode(marked)?.ref).toBe(info.href)
          expect(stegaDecode(marked)?.source).toEqual(src)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('finds every mark in joined strings and ignores other tools’ marks', () => {
    const a = stegaEncode({ title: 'One' }, source).title
    const b = stegaEncode({ body: 'Two' }, { kind: 'global', slug: 'site' }).body
    const foreign = vercelStegaCombine('Three', { origin: 'sanity.io', href: '/x' }, true)
    const joined = `${a} ${foreign} ${b}`
    expect(stegaDecodeAll(joined).map((m) => m.path)).toEqual([['title'], ['body']])
    expect(stegaClean(joined)).toBe(`One ${foreign} Two`)
  })

  it('cleans objects and arrays and compares marked strings', () => {
    const marked = stegaEncode({ tags: ['news', 'tech'], n: 1, when: new Date(0) }, source)
    expect(stegaClean(marked)).toEqual({ tags: ['news', 'tech'], n: 1, when: new Date(0) })
    expect(marked.tags[0] === 'news').toBe(false)
    expect(stegaEqual(marked.tags[0], 'news')).toBe(true)
    expect(stegaEqual(marked.tags[0], 'tech')).toBe(false)
    expect(stegaEqual(undefined, undefined)).toBe(true)
    expect(stegaSplit(marked.tags[1])).toMatchObject({
      cleaned: 'tech',
      mark: { path: ['tags', 1] },
    })
  })

  it('a forged mark with another origin or a bad reference is not a mark', () => {
    const forged = vercelStegaCombine('Hi', { origin: 'galley', href: 'javascript:alert(1)' }, true)
    expect(stegaDecode(forged)).toBeUndefined()
    expect(stegaClean(forged)).toBe(forged)
  })
})
