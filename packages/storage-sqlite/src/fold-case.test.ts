import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foldText } from '@galley/core/storage'
import { foldCase } from './fold-case'

describe('galley_fold', () => {
  it('property: folds as foldText in @galley/core, of which it is a copy', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({
        unit: fc.constantFrom('Σ', 'ς', 'σ', 'İ', 'ı', 'I', '\u212A', 'ẞ', 'ß', 'a', ' '),
      }),
    )
    fc.assert(
      fc.property(text, (s) => {
        expect(foldCase(s)).toBe(foldText(s))
      }),
      { numRuns: 500 },
    )
    expect(foldCase(42)).toBe(42)
    expect(foldCase(null)).toBe(null)
  })
})
