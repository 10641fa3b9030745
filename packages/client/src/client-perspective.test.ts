import { describe, expect, it } from 'vitest'
import {
  isPublishedPerspective,
  serializePerspective,
  validatePerspective,
} from './client-perspective'

describe('validatePerspective', () => {
  it('accepts the names and non-empty stacks', () => {
    for (const p of ['published', 'drafts', 'raw'] as const) expect(validatePerspective(p)).toBe(p)
    expect(validatePerspective(['spring', 'drafts', 'published'])).toEqual([
      'spring',
      'drafts',
      'published',
    ])
    expect(validatePerspective(['r01_x-y'])).toEqual(['r01_x-y'])
  })

  it.each([
    ['draft'],
    [''],
    ['Published'],
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

  it('suggests an array for a comma-separated string', () => {
    expect(() => validatePerspective('spring,drafts')).toThrow(/\["spring","drafts"\]/)
  })

  it('serialises stacks comma-separated', () => {
    expect(serializePerspective(['spring', 'drafts'])).toBe('spring,drafts')
    expect(serializePerspective('drafts')).toBe('drafts')
    expect(isPublishedPerspective('published')).toBe(true)
    expect(isPublishedPerspective(['published'])).toBe(true)
    expect(isPublishedPerspective(['spring', 'published'])).toBe(false)
  })
})
