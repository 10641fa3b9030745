import { describe, expect, it } from 'vitest'
import type { SqlDialect } from './sql-dialect'
import { ROW_SEPARATOR as R, HEAD_SEPARATOR as S } from './statements'
import { toHead, unpackGroup } from './stored-rows'

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

describe('unpackGroup: the rows of a grouped page (groupedSelect)', () => {
  // A head as groupedSelect packs it: its columns, its author (JSON) if any, then nothing.
  const head = (id: string, author?: string) =>
    [id, ...columns.slice(1), ...(author === undefined ? [] : [author]), ''].join(S)
  const contents = (...ids: string[]) => `[${ids.map((id) => `{"id":"${id}"}`).join(',')}]`

  it('cuts the heads apart in order, with their packed authors and their contents', () => {
    const rows = [head('a', '"u1"'), head('b', 'null'), head('c', '"x\\u001fy"')].join(R)
    const heads = unpackGroup(rows, contents('a', 'b', 'c'), d, 'posts', true)
    expect(heads.map((h) => [h.id, h.author, h.data])).toEqual([
      ['a', 'u1', { id: 'a' }],
      ['b', null, { id: 'b' }],
      ['c', `x${S}y`, { id: 'c' }],
    ])
  })

  it('reads no rows from NULL, published heads without authors, and null content as empty', () => {
    expect(unpackGroup(null, null, d, 'posts', false)).toEqual([])
    const heads = unpackGroup([head('a'), head('b')].join(R), '[{"n":1},null]', d, 'posts', false)
    expect(heads.map((h) => [h.id, h.author, h.data])).toEqual([
      ['a', undefined, { n: 1 }],
      ['b', undefined, {}],
    ])
  })

  it('refuses a head whose author is missing or not a string', () => {
    expect(() => unpackGroup(head('a'), contents('a'), d, 'posts', true)).toThrow(
      /control character/,
    )
    expect(() => unpackGroup(head('a', '5'), contents('a'), d, 'posts', true)).toThrow(
      /could not be read/,
    )
    expect(() => unpackGroup(head('a', 'u1'), contents('a'), d, 'posts', true)).toThrow(SyntaxError)
  })

  it('refuses contents that are not one JSON value a head, never pairing them up otherwise', () => {
    const two = [head('a'), head('b')].join(R)
    // A content of two values (another tool wrote `{"x":1},{"y":2}`) and one short.
    expect(() => unpackGroup(two, '[{"x":1},{"y":2},{"b":1}]', d, 'posts', false)).toThrow(
      /could not be read/,
    )
    expect(() => unpackGroup(two, '[{"a":1}]', d, 'posts', false)).toThrow(/could not be read/)
    expect(() => unpackGroup(two, '{"a":1}', d, 'posts', false)).toThrow(/could not be read/)
    expect(() => unpackGroup(two, null, d, 'posts', false)).toThrow(/could not be read/)
    expect(() => unpackGroup(two, '[{"a":1},[1]]', d, 'posts', false)).toThrow(/not a JSON object/)
    // A head with text where its content would start.
    expect(() => unpackGroup(`${head('a')}{}`, contents('a'), d, 'posts', false)).toThrow(
      /could not be read/,
    )
  })
})
