import { describe, expect, it } from 'vitest'
import { collectFieldPaths } from './field-paths'
import { matchStatus, matchWhere } from './match-where'
import { parseWhere } from './parse-where'

const paths = collectFieldPaths([{ name: 'title', type: 'text' }])
const target = (status: string, variant?: string) => ({
  id: 'x',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  status,
  variant,
  data: {},
})

describe('matchStatus: _status is the status of the returned content', () => {
  it.each([
    ['published', 'published', 'published'],
    ['changed', 'published', 'published'],
    ['changed', 'draft', 'changed'],
    ['changed', 'release:spring', 'changed'],
    ['published', 'release:spring', 'changed'],
    ['draft', 'draft', 'draft'],
    ['draft', 'release:spring', 'draft'],
  ])('a %s document, %s variant: %s', (status, variant, matched) => {
    expect(matchStatus(status, variant)).toBe(matched)
  })

  it('without a variant, the status as given (the content a drafts read resolves to)', () => {
    for (const s of ['draft', 'published', 'changed']) expect(matchStatus(s, undefined)).toBe(s)
  })

  it("the seed's rules admit the published variant of a changed document, not its draft", () => {
    const rules = [
      { _status: { equals: 'published' } },
      { or: [{ _status: { equals: 'published' } }, { _status: { exists: false } }] },
    ]
    for (const rule of rules) {
      const node = parseWhere(rule, paths, 'pages')
      expect(matchWhere(node, target('changed', 'published'))).toBe(true)
      expect(matchWhere(node, target('published', 'published'))).toBe(true)
      expect(matchWhere(node, target('changed', 'draft'))).toBe(false)
      expect(matchWhere(node, target('draft', 'draft'))).toBe(false)
      expect(matchWhere(node, target('published', 'release:spring'))).toBe(false)
    }
  })
})
