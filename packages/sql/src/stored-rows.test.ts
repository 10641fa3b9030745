import { describe, expect, it } from 'vitest'
import type { SqlDialect } from './sql-dialect'
import { HEAD_SEPARATOR as S } from './statements'
import { toHead } from './stored-rows'

const d = {
  name: 'sqlite',
  parseJson: (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v),
} as SqlDialect
const columns = [
  'doc1',
  'published',
  'rev1',
  'published',
  '1',
  '2026-01-01T00:00:00.000Z',
  '2026-01-02T00:00:00.000Z',
]

describe('toHead of a packed row (packedRow)', () => {
  it('reads the seven columns and the content after them', () => {
    const content = JSON.stringify({ title: `a${S}b`, n: 1 })
    expect(toHead({ row: [...columns, content].join(S), author: 'u1' }, d, 'posts')).toEqual({
      collection: 'posts',
      id: 'doc1',
      variant: 'published',
      rev: 'rev1',
      status: 'published',
      inDrafts: true,
      data: { title: `a${S}b`, n: 1 },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      author: 'u1',
    })
  })

  it('reads no content as an empty document, and in_drafts 0 as false', () => {
    const row = [...columns.slice(0, 4), '0', ...columns.slice(5), ''].join(S)
    const head = toHead({ row }, d, 'posts')
    expect(head.data).toEqual({})
    expect(head.inDrafts).toBe(false)
    expect(() =>
      toHead({ row: [...columns.slice(0, 4), '10', ...columns.slice(5), ''].join(S) }, d, 'posts'),
    ).toThrow(/control character/)
  })

  it('leaves the content to JSON: whitespace before it and null read, a shifted time fails', () => {
    expect(toHead({ row: [...columns, '\n  {"a":1}'].join(S) }, d, 'posts').data).toEqual({ a: 1 })
    expect(toHead({ row: [...columns, 'null'].join(S) }, d, 'posts').data).toEqual({})
    const time = ['doc1', 'published', 'rev1', 'published', '1', `2026${S}01`, 'x', '{}'].join(S)
    expect(() => toHead({ row: time }, d, 'posts')).toThrow(SyntaxError)
  })

  it('refuses content that is JSON but no object, in every row form', () => {
    for (const content of ['[1,2]', '5', '"x"', 'true']) {
      expect(() => toHead({ row: [...columns, content].join(S) }, d, 'posts')).toThrow(
        /content is not a JSON object/,
      )
      const raw = {
        collection: 'posts',
        id: 'a',
        variant: 'published',
        rev: 'r',
        status: 'published',
      }
      const times = { in_drafts: 1, created_at: columns[5]!, updated_at: columns[6]! }
      expect(() => toHead({ ...raw, ...times, data: content }, d, 'posts')).toThrow(
        /not a JSON object/,
      )
    }
  })

  it('refuses a row whose columns hold the separator instead of misreading it', () => {
    const shifted = ['doc1', 'published', `rev${S}1`, ...columns.slice(3), '{"a":1}'].join(S)
    expect(() => toHead({ row: shifted }, d, 'posts')).toThrow(/control character/)
    expect(() => toHead({ row: columns.slice(0, 6).join(S) }, d, 'posts')).toThrow(
      /control character/,
    )
    for (let k = 0; k < 7; k++) {
      // Fewer than seven separators, the content after the last one or not.
      const row = [...columns.slice(0, k), '{"a":1}'].join(S)
      expect(() => toHead({ row }, d, 'posts'), `${k} columns`).toThrow(/control character/)
    }
    expect(() => toHead({ row: [...columns, '{}'].join(S) }, d)).toThrow(/could not be read/)
  })
})
