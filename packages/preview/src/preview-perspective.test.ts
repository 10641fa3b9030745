import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { previewCanonical, spellingArb } from '../../perspectives/test/spellings'
import { parsePreviewPerspective, previewPerspectiveProblem } from './preview-perspective'

describe('parsePreviewPerspective', () => {
  it('answers the canonical spelling', () => {
    expect(parsePreviewPerspective('drafts')).toBe('drafts')
    expect(parsePreviewPerspective(['published'])).toBe('published')
    expect(parsePreviewPerspective(['spring', 'drafts', 'published'])).toBe('spring,drafts')
    expect(parsePreviewPerspective('spring')).toBe('spring')
  })

  it('refuses raw in every form and anything not spelled exactly', () => {
    for (const bad of [
      'raw',
      ' raw',
      'raw ',
      ['raw'],
      'RAW',
      '',
      ',',
      'a,,b',
      'raw,drafts',
      'spring, drafts',
      'has space',
      'a;b',
      '../x',
      [],
      [1],
      {},
      null,
      7,
    ]) {
      expect(parsePreviewPerspective(bad), JSON.stringify(bad)).toBeNull()
    }
    expect(parsePreviewPerspective(Array(11).fill('r1'))).toBeNull()
    expect(previewPerspectiveProblem('raw')).toMatch(/never 'raw'/)
  })

  it('property: agrees with the shared spellings, raw never', () => {
    fc.assert(
      fc.property(spellingArb, (s) => {
        expect(parsePreviewPerspective(s.input), s.how).toBe(previewCanonical(s))
      }),
      { numRuns: 2000 },
    )
  })
})
