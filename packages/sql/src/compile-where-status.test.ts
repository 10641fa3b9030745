import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Galley, GalleyDoc, Where } from '@galley/core'
import { matchWhere, parseWhere } from '@galley/core/storage'
import { STORES, dropTestSchemas, makeGalley, matchTargetOf } from '../test/stores'

// _status in where: the status of the content a perspective returns, the same in SQL and matchWhere.
afterAll(() => dropTestSchemas())

for (const store of STORES) {
  describe(`_status is the status of the returned content [${store.name}]`, () => {
    let g: Galley
    beforeAll(async () => {
      g = await makeGalley(store)
      const put = (id: string, draft: boolean) =>
        g.create({ collection: 'posts', id, data: { title: id }, draft })
      await put('pub', false)
      await put('changed', false)
      await g.update({ collection: 'posts', id: 'changed', data: { title: 'new' }, draft: true })
      await put('draft', true)
      await put('pubrel', false)
      await g.update({
        collection: 'posts',
        id: 'pubrel',
        data: { title: 'rel' },
        release: 'spring',
      })
      await put('draftrel', true)
      await g.update({
        collection: 'posts',
        id: 'draftrel',
        data: { title: 'rel' },
        release: 'spring',
      })
    })
    afterAll(() => g.close())

    const PERSPECTIVES = [
      'published',
      'drafts',
      'raw',
      'spring,drafts',
      'spring,published',
    ] as const
    const rows = async (where: Where | undefined, perspective: string) =>
      (await g.find({ collection: 'posts', where, perspective, limit: 100, sort: 'id' })).docs
        .map((d) => `${d.id}:${d._variant}`)
        .sort()

    it.each<[string, string, string[]]>([
      ['published', 'published', ['changed:published', 'pub:published', 'pubrel:published']],
      ['published', 'changed', []],
      ['drafts', 'published', ['pub:published', 'pubrel:published']],
      ['drafts', 'changed', ['changed:draft']],
      ['drafts', 'draft', ['draft:draft', 'draftrel:draft']],
      ['raw', 'changed', ['changed:draft', 'pubrel:release:spring']],
      ['raw', 'draft', ['draft:draft', 'draftrel:draft', 'draftrel:release:spring']],
      ['spring,drafts', 'published', ['pub:published']],
      ['spring,drafts', 'changed', ['changed:draft', 'pubrel:release:spring']],
      ['spring,drafts', 'draft', ['draft:draft', 'draftrel:release:spring']],
    ])('%s: equals %s', async (perspective, status, expected) => {
      expect(await rows({ _status: { equals: status } }, perspective)).toEqual(expected)
    })

    it('SQL and matchWhere agree in every perspective, given the variant', async () => {
      const coll = g.collection('posts')
      const where = fc.oneof(
        fc
          .tuple(
            fc.constantFrom('equals', 'not_equals', 'gt', 'lte', 'like', 'contains'),
            fc.constantFrom('draft', 'published', 'changed'),
          )
          .map(([op, v]) => ({ _status: { [op]: v } }) as Where),
        fc
          .tuple(fc.constantFrom('in', 'not_in'), fc.subarray(['draft', 'published', 'changed']))
          .map(([op, v]) => ({ _status: { [op]: v } }) as Where),
        fc.boolean().map((v) => ({ _status: { exists: v } }) as Where),
      )
      const all: Record<string, GalleyDoc[]> = {}
      for (const p of PERSPECTIVES)
        all[p] = (await g.find({ collection: 'posts', perspective: p, limit: 100 })).docs
      await fc.assert(
        fc.asyncProperty(where, fc.constantFrom(...PERSPECTIVES), async (w, p) => {
          const node = parseWhere(w, coll.paths, 'posts')
          const expected = all[p]!.filter((d) => matchWhere(node, matchTargetOf(d)))
            .map((d) => `${d.id}:${d._variant}`)
            .sort()
          expect(await rows(w, p)).toEqual(expected)
        }),
        { numRuns: 100 },
      )
    })
  })
}
