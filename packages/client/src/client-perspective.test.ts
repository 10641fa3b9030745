import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { spellingArb } from '../../perspectives/test/spellings'
import {
  isPublishedPerspective,
  serializePerspective,
  validatePerspective,
} from './client-perspective'

describe('validatePerspective', () => {
  it('accepts the names and stacks, answering the canonical spelling', () => {
    for (const p of ['published', 'drafts', 'raw'] as const) expect(validatePerspective(p)).toBe(p)
    expect(validatePerspective(['spring', 'drafts', 'published'])).toBe('spring,drafts')
    expect(validatePerspective('spring,drafts')).toBe('spring,drafts')
    expect(validatePerspective(['r01_x-y'])).toBe('r01_x-y')
  })

  it.each([
    ['draft'],
    [''],
    ['Published'],
    [' raw'],
    ['RAW'],
    ['spring, drafts'],
    [[]],
    [['raw']],
    [['spring', 'raw']],
    [['has space']],
    [['']],
    [[1]],
    [Array(11).fill('r')],
    [null],
    [42],
    [{}],
  ])('refuses %j with a TypeError naming the good values', (bad) => {
    expect(() => validatePerspective(bad)).toThrow(TypeError)
    expect(() => validatePerspective(bad)).toThrow(/'published', 'drafts', 'raw'/)
  })

  it('serialises stacks comma-joined', () => {
    expect(serializePerspective(['spring', 'drafts'])).toBe('spring,drafts')
    expect(serializePerspective('drafts')).toBe('drafts')
    expect(isPublishedPerspective('published')).toBe(true)
    expect(isPublishedPerspective(['published'])).toBe(true)
    expect(isPublishedPerspective(['spring', 'published'])).toBe(false)
  })

  it('property: accepts exactly the shared spellings, each as its canonical form', () => {
    fc.assert(
      fc.property(spellingArb, (s) => {
        let got: string | null
        try {
          got = validatePerspective(s.input) as string
        } catch (err) {
          expect(err, s.how).toBeInstanceOf(TypeError)
          got = null
        }
        expect(got, s.how).toBe(s.canonical)
      }),
      { numRuns: 2000 },
    )
  })
})
