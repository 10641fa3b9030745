import { describe, expect, it } from 'vitest'
import type { CollectionConfig } from '@galley/core'
import { collectFieldPaths, parseWhere } from '@galley/core/storage'
import type { ResolvedQuery } from '@galley/core/storage'
import { postgresDialect } from '@galley/storage-postgres'
import { sqliteDialect } from '@galley/storage-sqlite'
import { NO_KEYED_FIELDS } from './keyed-fields'
import { resolvedCount, resolvedSelect } from './resolved-select'

const posts: CollectionConfig = {
  slug: 'posts',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'views', type: 'number' },
  ],
}
const paths = collectFieldPaths(posts.fields)

function query(over: Partial<ResolvedQuery> & { w?: unknown } = {}): ResolvedQuery {
  const { w, ...rest } = over
  return {
    collection: 'posts',
    perspective: { kind: 'published' },
    where: w === undefined ? undefined : parseWhere(w as never, paths, 'posts'),
    sort: [],
    limit: 21,
    offset: 0,
    single: false,
    ...rest,
  } as ResolvedQuery
}

describe('resolvedSelect statement texts', () => {
  for (const d of [sqliteDialect, postgresDialect]) {
    it(`${d.name}: the same shape gives the very same text, with this read's values`, () => {
      const a = resolvedSelect(
        query({ w: { title: { equals: 'a' } }, offset: 0 }),
        d,
        NO_KEYED_FIELDS,
      )
      const b = resolvedSelect(
        query({ w: { title: { equals: 'b' } }, offset: 20 }),
        d,
        NO_KEYED_FIELDS,
      )
      // One string instance: lookups by this text hash it once, not on every read.
      expect(Object.is(a.text, b.text)).toBe(true)
      expect(a.params).toEqual(['a', 0])
      expect(b.params).toEqual(['b', 20])
      const c1 = resolvedCount(query({ w: { title: { equals: 'a' } } }), d, NO_KEYED_FIELDS)
      const c2 = resolvedCount(query({ w: { title: { equals: 'b' } } }), d, NO_KEYED_FIELDS)
      expect(Object.is(c1.text, c2.text)).toBe(true)
      expect(c2.params).toEqual(['b'])
    })

    it(`${d.name}: anything that changes the statement gives another text`, () => {
      const base = query({ w: { title: { equals: 'a' } } })
      const texts = [
        resolvedSelect(base, d, NO_KEYED_FIELDS).text,
        resolvedSelect({ ...base, limit: 11 }, d, NO_KEYED_FIELDS).text,
        resolvedSelect({ ...base, single: true }, d, NO_KEYED_FIELDS).text,
        resolvedSelect({ ...base, collection: 'pages' }, d, NO_KEYED_FIELDS).text,
        resolvedSelect({ ...base, perspective: { kind: 'drafts' } }, d, NO_KEYED_FIELDS).text,
        resolvedSelect({ ...base, perspective: { kind: 'raw' } }, d, NO_KEYED_FIELDS).text,
        resolvedSelect(
          { ...base, perspective: { kind: 'stack', layers: ['release:r1', 'draft', 'published'] } },
          d,
          NO_KEYED_FIELDS,
        ).text,
        resolvedSelect(
          { ...base, perspective: { kind: 'stack', layers: ['release:r2', 'draft', 'published'] } },
          d,
          NO_KEYED_FIELDS,
        ).text,
        resolvedSelect(query({ w: { title: { not_equals: 'a' } } }), d, NO_KEYED_FIELDS).text,
        resolvedSelect(query({ w: { views: { gt: 1 } } }), d, NO_KEYED_FIELDS).text,
        resolvedSelect(query({ w: { title: { in: ['a', 'b'] } } }), d, NO_KEYED_FIELDS).text,
        resolvedSelect(query({ w: { title: { in: ['a', 'b', 'c'] } } }), d, NO_KEYED_FIELDS).text,
        resolvedSelect(query({ w: { title: { equals: null } } }), d, NO_KEYED_FIELDS).text,
      ]
      expect(new Set(texts).size).toBe(texts.length)
    })
  }
})
