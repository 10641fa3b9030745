import { describe, expect, it } from 'vitest'
import { resolvePerspective } from './perspective'

describe('resolvePerspective', () => {
  it('maps names, draft flag and stacks', () => {
    expect(resolvePerspective(undefined)).toEqual({ kind: 'published' })
    expect(resolvePerspective(undefined, true)).toEqual({ kind: 'drafts' })
    expect(resolvePerspective('raw')).toEqual({ kind: 'raw' })
    expect(resolvePerspective(['drafts'])).toEqual({ kind: 'drafts' })
    expect(resolvePerspective('spring,drafts')).toEqual({
      kind: 'stack',
      layers: ['release:spring', 'draft', 'published'],
    })
    expect(resolvePerspective(['spring', 'summer'])).toEqual({
      kind: 'stack',
      layers: ['release:spring', 'release:summer', 'published'],
    })
  })
  it.each([['drafts,raw'], [''], [[]], [{}], ['a b'], [[1]], [Array(11).fill('x')]])(
    'rejects %j with the good names',
    (p) => {
      if (p === '') return expect(resolvePerspective(p)).toEqual({ kind: 'published' })
      expect(() => resolvePerspective(p)).toThrow(/perspective|stacked/)
    },
  )
})
