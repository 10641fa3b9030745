import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { spellingArb } from '../../../perspectives/test/spellings'
import { canonicalPerspective, resolvePerspective } from './perspective'
import { QueryError } from '../errors'

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

  it.each([
    ['drafts,raw'],
    [''],
    [' raw'],
    ['raw '],
    ['RAW'],
    [['raw']],
    [[]],
    [{}],
    ['a b'],
    [[1]],
    [Array(11).fill('x')],
  ])('rejects %j with a QueryError naming the good spellings', (p) => {
    expect(() => resolvePerspective(p)).toThrow(QueryError)
    expect(() => resolvePerspective(p)).toThrow(/'published', 'drafts', 'raw'/)
  })

  it('property: accepts exactly the shared spellings, resolving to their canonical form', () => {
    fc.assert(
      fc.property(spellingArb, (s) => {
        if (s.input === null) return // absent: the default, by the draft flag
        let got: string | null
        try {
          got = canonicalPerspective(resolvePerspective(s.input))
        } catch (err) {
          expect(err, s.how).toBeInstanceOf(QueryError)
          got = null
        }
        expect(got, s.how).toBe(s.canonical)
      }),
      { numRuns: 2000 },
    )
  })
})
