import { vercelStegaDecode } from '@vercel/stega'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stegaClean, stegaEncode, stegaMark } from '@galley/client'
import { cleanMarks, encodeMark, findMarks, parseRef } from './stega-marks'

describe('stega marks in the overlay', () => {
  it('writes the same marks as @galley/client, and @vercel/stega reads them', () => {
    const source = { kind: 'collection', collection: 'posts', id: 'p1' } as const
    expect(encodeMark({ document: 'posts/p1', path: 'blocks.0.title' })).toBe(
      stegaMark(source, ['blocks', 0, 'title']),
    )
    expect(vercelStegaDecode(`Hi${encodeMark({ document: '~site', path: 'name' })}`)).toEqual({
      origin: 'galley',
      href: '~site#name',
    })
  })

  it('property: reads what the client marks, whatever invisible characters the text holds', () => {
    const text = fc
      .array(fc.oneof(fc.string(), fc.constantFrom('\u200b', '\u200c', '\u200d', '\ufeff', '👩‍💻')))
      .map((parts) => parts.join(''))
      .filter((s) => s.trim() !== '')
    fc.assert(
      fc.property(text, fc.stringMatching(/^[a-z]{1,8}$/), (value, id) => {
        const marked = stegaEncode(
          { title: value },
          { kind: 'collection', collection: 'posts', id },
          { fields: { title: true } },
        ).title
        expect(findMarks(marked)).toMatchObject([{ document: `posts/${id}`, path: 'title' }])
        expect(cleanMarks(marked)).toBe(value)
        expect(cleanMarks(marked)).toBe(stegaClean(marked))
        expect(findMarks(value)).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('parses only well-formed references', () => {
    expect(parseRef('posts/p1#title')).toEqual({ document: 'posts/p1', path: 'title' })
    expect(parseRef('~settings#siteName')).toEqual({ document: '~settings', path: 'siteName' })
    for (const bad of ['', 'posts', 'posts/p1', 'javascript:alert(1)', 'a/b/c#x', '#x', 'a/b#c#d'])
      expect(parseRef(bad), bad).toBeUndefined()
  })
})
