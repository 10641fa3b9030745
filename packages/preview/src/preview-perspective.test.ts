import { describe, expect, it } from 'vitest'
import { parsePreviewPerspective, serializePreviewPerspective } from './preview-perspective'

describe('parsePreviewPerspective', () => {
  it('reads built-in names as strings', () => {
    expect(parsePreviewPerspective('drafts')).toBe('drafts')
    expect(parsePreviewPerspective('published')).toBe('published')
    expect(parsePreviewPerspective(['raw'])).toBe('raw')
  })

  it('reads stacks from comma-separated strings and arrays', () => {
    expect(parsePreviewPerspective('spring, drafts,published')).toEqual([
      'spring',
      'drafts',
      'published',
    ])
    expect(parsePreviewPerspective(['r01abc', 'drafts'])).toEqual(['r01abc', 'drafts'])
    expect(parsePreviewPerspective('spring')).toEqual(['spring'])
  })

  it('refuses malformed values', () => {
    for (const bad of [
      '',
      ',',
      'a,,b',
      'raw,drafts',
      'has space',
      'a;b',
      '../x',
      [],
      [1],
      {},
      null,
      7,
    ]) {
      expect(parsePreviewPerspective(bad)).toBeNull()
    }
    expect(parsePreviewPerspective(Array(11).fill('r1'))).toBeNull()
  })

  it('round-trips through the serialised form', () => {
    for (const p of ['drafts', ['spring', 'drafts', 'published']] as const) {
      expect(parsePreviewPerspective(serializePreviewPerspective(p))).toEqual(p)
    }
  })
})
