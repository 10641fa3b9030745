import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Galley, Where } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

const DOCS = [
  {
    title: 'Alpha news',
    slug: 'alpha',
    views: 10,
    featured: true,
    category: 'news',
    tagsList: ['a', 'b'],
    publishedAt: '2026-01-01T00:00:00.000Z',
    meta: { description: 'First post', score: 1 },
    tags: [{ name: 'red' }, { name: 'blue' }],
  },
  {
    title: 'Beta guide',
    slug: 'beta',
    views: 20,
    featured: false,
    category: 'guide',
    tagsList: ['b'],
    publishedAt: '2026-02-01T00:00:00.000Z',
    meta: { description: 'Second', score: 5 },
    tags: [{ name: 'green' }],
  },
  {
    title: 'Gamma opinion piece',
    slug: 'gamma',
    views: 30,
    category: 'opinion',
    tagsList: [],
    meta: { score: 3 },
    tags: [],
  },
  { title: 'Delta', slug: 'delta', views: 5 },
]

for (const store of STORES) {
  describe(`where, sort and pagination [${store.name}]`, () => {
    let g: Galley
    const ids: Record<string, string> = {}
    beforeAll(async () => {
      g = await makeGalley(store)
      for (const d of DOCS) ids[d.slug] = (await g.create({ collection: 'posts', data: d })).id
      // a draft that renames Delta: only the drafts perspective sees it
      await g.update({
        collection: 'posts',
        id: ids.delta!,
        data: { title: 'Delta renamed', views: 50 },
        draft: true,
      })
      // a never-published draft
      ids.eps = (
        await g.create({
          collection: 'posts',
          data: { title: 'Epsilon draft', slug: 'eps', views: 40 },
          draft: true,
        })
      ).id
    })
    afterAll(() => g.close())

    const slugs = async (
      where: Where,
      perspective: 'published' | 'drafts' = 'published',
      sort = 'slug',
    ) =>
      (await g.find({ collection: 'posts', where, perspective, sort, limit: 100 })).docs.map(
        (d) => d.slug,
      )

    it.each<[string, Where, string[]]>([
      ['equals', { slug: { equals: 'beta' } }, ['beta']],
      ['equals null', { category: { equals: null } }, ['delta']],
      [
        'not_equals includes missing',
        { category: { not_equals: 'news' } },
        ['beta', 'delta', 'gamma'],
      ],
      ['not_equals null', { category: { not_equals: null } }, ['alpha', 'beta', 'gamma']],
      ['in', { category: { in: ['news', 'guide'] } }, ['alpha', 'beta']],
      ['in (comma string)', { category: { in: 'news,opinion' } }, ['alpha', 'gamma']],
      ['not_in', { category: { not_in: ['news', 'guide'] } }, ['delta', 'gamma']],
      ['exists true', { publishedAt: { exists: true } }, ['alpha', 'beta']],
      ['exists false', { publishedAt: { exists: 'false' } }, ['delta', 'gamma']],
      ['gt number', { views: { gt: 10 } }, ['beta', 'gamma']],
      ['gte number (string coerced)', { views: { gte: '10' } }, ['alpha', 'beta', 'gamma']],
      ['lt', { views: { lt: 10 } }, ['delta']],
      ['lte', { views: { lte: 10 } }, ['alpha', 'delta']],
      ['gt date', { publishedAt: { gt: '2026-01-15' } }, ['beta']],
      ['like: all words, any order, any case', { title: { like: 'PIECE gamma' } }, ['gamma']],
      ['contains: substring, any case', { title: { contains: 'ETA' } }, ['beta']],
      ['contains escapes %', { title: { contains: '%' } }, []],
      ['checkbox equals', { featured: { equals: true } }, ['alpha']],
      ['checkbox equals false', { featured: { equals: 'false' } }, ['beta']],
      ['dotted group path', { 'meta.score': { gte: 3 } }, ['beta', 'gamma']],
      ['array member path', { 'tags.name': { equals: 'green' } }, ['beta']],
      [
        'array member not_equals means no member equals',
        { 'tags.name': { not_equals: 'red' } },
        ['beta', 'delta', 'gamma'],
      ],
      ['hasMany select contains element', { tagsList: { equals: 'b' } }, ['alpha', 'beta']],
      ['hasMany in', { tagsList: { in: ['a'] } }, ['alpha']],
      ['and', { and: [{ views: { gte: 10 } }, { views: { lte: 20 } }] }, ['alpha', 'beta']],
      [
        'or',
        { or: [{ slug: { equals: 'alpha' } }, { 'meta.score': { equals: 3 } }] },
        ['alpha', 'gamma'],
      ],
      [
        'nested and/or',
        {
          or: [
            { and: [{ featured: { equals: true } }, { views: { gt: 1 } }] },
            { slug: { like: 'delt' } },
          ],
        },
        ['alpha', 'delta'],
      ],
      ['id column', { id: { exists: true } }, ['alpha', 'beta', 'delta', 'gamma']],
    ])('%s', async (_name, where, expected) => {
      expect(await slugs(where)).toEqual(expected)
    })

    it('_status column: the status of the returned content', async () => {
      // Delta has a newer draft: its published content is 'published', the draft 'changed'.
      expect(await slugs({ _status: { equals: 'changed' } })).toEqual([])
      expect(await slugs({ _status: { equals: 'published' } })).toEqual([
        'alpha',
        'beta',
        'delta',
        'gamma',
      ])
      expect(await slugs({ _status: { equals: 'changed' } }, 'drafts')).toEqual(['delta'])
    })

    it('filters the resolved content: drafts see the draft values', async () => {
      expect(await slugs({ title: { like: 'renamed' } })).toEqual([])
      expect(await slugs({ title: { like: 'renamed' } }, 'drafts')).toEqual(['delta'])
      expect(await slugs({ views: { gte: 40 } }, 'drafts')).toEqual(['delta', 'eps'])
      expect(await slugs({ views: { gte: 40 } })).toEqual([])
    })

    it('sorts on resolved content, missing values last, with a stable tie-break', async () => {
      expect(await slugs({}, 'published', '-views')).toEqual(['gamma', 'beta', 'alpha', 'delta'])
      expect(await slugs({}, 'drafts', '-views')).toEqual([
        'delta',
        'eps',
        'gamma',
        'beta',
        'alpha',
      ])
      expect(await slugs({}, 'published', 'publishedAt')).toEqual([
        'alpha',
        'beta',
        'gamma',
        'delta',
      ]) // ties: creation order
      expect(await slugs({}, 'published', '-publishedAt')).toEqual([
        'beta',
        'alpha',
        'gamma',
        'delta',
      ])
      expect(await slugs({}, 'published', 'category,-views')).toEqual([
        'beta',
        'alpha',
        'gamma',
        'delta',
      ])
    })

    it('paginates', async () => {
      const p1 = await g.find({ collection: 'posts', sort: 'slug', limit: 2, page: 1, draft: true })
      expect(p1).toMatchObject({
        totalDocs: 5,
        limit: 2,
        page: 1,
        totalPages: 3,
        hasNextPage: true,
        hasPrevPage: false,
      })
      const p3 = await g.find({ collection: 'posts', sort: 'slug', limit: 2, page: 3, draft: true })
      expect(p3.docs.map((d) => d.slug)).toEqual(['gamma'])
      expect(p3).toMatchObject({ totalDocs: 5, hasNextPage: false, hasPrevPage: true })
      const past = await g.find({ collection: 'posts', sort: 'slug', limit: 2, page: 9 })
      expect(past).toMatchObject({ docs: [], totalDocs: 4 })
      const none = await g.find({ collection: 'posts', limit: 0 })
      expect(none).toMatchObject({ docs: [], totalDocs: 4 })
    })

    it.each<[string, unknown, RegExp]>([
      ['unknown field', { nope: { equals: 1 } }, /'nope' is not a field of 'posts'/],
      ['unknown operator', { title: { near: 'x' } }, /unknown operator 'near'/],
      ['wrong type', { views: { gt: 'many' } }, /number field/],
      ['like on a number', { views: { like: '1' } }, /text fields only/],
      ['gt on a checkbox', { featured: { gt: true } }, /checkboxes/],
      ['operator on structured data', { meta: { equals: 'x' } }, /only 'exists'/],
      ['not an object', 'title=x', /expected an object/],
      [
        'huge in list',
        { slug: { in: Array.from({ length: 501 }, (_, i) => `s${i}`) } },
        /at most 500/,
      ],
      ['deep nesting', nest(12), /nested deeper/],
      ['NUL in a value', { title: { equals: 'a\u0000b' } }, /NUL character/],
    ])('rejects a bad where: %s', async (_name, where, message) => {
      await expect(g.find({ collection: 'posts', where: where as Where })).rejects.toMatchObject({
        code: 'QUERY_INVALID',
        status: 400,
        message: expect.stringMatching(message),
      })
    })

    it('rejects bad sort, limit, page and depth', async () => {
      await expect(g.find({ collection: 'posts', sort: 'nope' })).rejects.toThrow(/not a field/)
      await expect(g.find({ collection: 'posts', sort: 'tags' })).rejects.toThrow(
        /cannot be sorted/,
      )
      await expect(g.find({ collection: 'posts', limit: 5000 })).rejects.toThrow(
        /limit must be between/,
      )
      await expect(g.find({ collection: 'posts', page: 0 })).rejects.toThrow(/page must be/)
      await expect(g.find({ collection: 'posts', depth: 99 })).rejects.toThrow(/depth must be/)
      await expect(g.find({ collection: 'nope' })).rejects.toMatchObject({ status: 404 })
    })
  })
}

function nest(n: number): Where {
  let w: Where = { slug: { equals: 'x' } }
  for (let i = 0; i < n; i++) w = { and: [w] }
  return w
}
