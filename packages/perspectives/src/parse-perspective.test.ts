import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalArb, spellingArb } from '../test/spellings'
import { canonicalPerspective, isReleaseId, parsePerspective } from './parse-perspective'

const canonical = (input: unknown, allowRaw = true) => {
  const r = parsePerspective(input, { allowRaw })
  return r.ok ? r.value.canonical : null
}

describe('parsePerspective', () => {
  it('reads names, lists and comma-joined stacks into one canonical spelling', () => {
    expect(canonical('published')).toBe('published')
    expect(canonical(['published'])).toBe('published')
    expect(canonical('drafts,published')).toBe('drafts')
    expect(canonical(['spring', 'drafts', 'published'])).toBe('spring,drafts')
    expect(canonical('spring,summer')).toBe('spring,summer')
    expect(parsePerspective('spring,drafts')).toMatchObject({
      ok: true,
      value: {
        entries: ['spring', 'drafts'],
        resolved: { kind: 'stack', layers: ['release:spring', 'draft', 'published'] },
      },
    })
  })

  it.each([
    [' raw'],
    ['raw '],
    ['RAW'],
    [['raw']],
    ['Drafts'],
    ['draft'],
    ['spring, drafts'],
    ['spring,,drafts'],
    ['spring,spring'],
    ['drafts,spring'],
    ['published,drafts'],
    ['dr\u0430fts'],
    ['\uff44rafts'],
    ['drafts\u200b'],
    [''],
    [[]],
    [Array(11).fill('r1')],
  ])('refuses %j and says what to send', (input) => {
    const r = parsePerspective(input)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/'published', 'drafts', 'raw'/)
  })

  it('refuses raw for previews in every form and names what a preview takes', () => {
    const r = parsePerspective('raw', { allowRaw: false })
    expect(r).toMatchObject({ ok: false })
    if (!r.ok) expect(r.message).toMatch(/never 'raw'/)
    expect(canonical('drafts', false)).toBe('drafts')
  })

  it('shows invisible characters in its message', () => {
    const r = parsePerspective('drafts\u200b')
    expect(!r.ok && r.message).toContain('\\u{200B}')
  })

  it('property: exactly the documented spellings are accepted, each to its canonical form', () => {
    fc.assert(
      fc.property(spellingArb, (s) => {
        expect(canonical(s.input), s.how).toBe(s.canonical)
        expect(canonical(s.input, false), s.how).toBe(s.canonical === 'raw' ? null : s.canonical)
      }),
      { numRuns: 3000 },
    )
  })

  it('property: the canonical spelling parses to itself and round-trips through its layers', () => {
    fc.assert(
      fc.property(canonicalArb, (c) => {
        const r = parsePerspective(c)
        expect(r.ok && r.value.canonical).toBe(c)
        if (r.ok) expect(canonicalPerspective(r.value.resolved)).toBe(c)
      }),
    )
  })

  it('property: no string outside [A-Za-z0-9_,-] is ever accepted', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        if (!/^[A-Za-z0-9_,-]*$/.test(s)) expect(canonical(s)).toBeNull()
      }),
      { numRuns: 2000 },
    )
  })

  it('reserves the names in every case as release ids', () => {
    for (const id of ['drafts', 'DRAFTS', 'Published', 'raw', 'Draft'])
      expect(isReleaseId(id)).toBe(false)
    expect(isReleaseId('spring')).toBe(true)
  })
})
