import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley, posts, authors, settings } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`relationships, globals and hooks [${store.name}]`, () => {
    let g: Galley
    afterEach(() => g?.close())

    it('resolves relationships per perspective and depth, never leaking drafts', async () => {
      g = await makeGalley(store)
      const ann = await g.create({ collection: 'authors', data: { name: 'Ann' } })
      await g.update({
        collection: 'authors',
        id: ann.id,
        data: { name: 'Ann (draft rename)' },
        draft: true,
      })
      const ghost = await g.create({ collection: 'authors', data: { name: 'Ghost' }, draft: true })
      const p = await g.create({ collection: 'posts', data: { title: 'P', author: ann.id } })
      const q = await g.create({ collection: 'posts', data: { title: 'Q', author: ghost.id } })

      expect((await g.findById({ collection: 'posts', id: p.id }))?.author).toBe(ann.id)
      expect((await g.findById({ collection: 'posts', id: p.id, depth: 1 }))?.author).toMatchObject(
        { id: ann.id, name: 'Ann', _variant: 'published' },
      )
      expect(
        (await g.findById({ collection: 'posts', id: p.id, depth: 1, draft: true }))?.author,
      ).toMatchObject({ name: 'Ann (draft rename)', _variant: 'draft' })
      // a never-published author stays a bare id in published reads, even for anonymous callers
      expect(
        (await g.findById({ collection: 'posts', id: q.id, depth: 1, user: null }))?.author,
      ).toBe(ghost.id)
      expect(
        (await g.findById({ collection: 'posts', id: q.id, depth: 1, draft: true }))?.author,
      ).toMatchObject({ name: 'Ghost' })
      const list = await g.find({ collection: 'posts', depth: 1, sort: 'title', user: null })
      expect(
        list.docs.map((d) =>
          typeof d.author === 'object' ? (d.author as { name: string }).name : d.author,
        ),
      ).toEqual(['Ann', ghost.id])
      // where on a relationship compares ids
      expect(
        (await g.find({ collection: 'posts', where: { author: { equals: ann.id } } })).docs.map(
          (d) => d.title,
        ),
      ).toEqual(['P'])
    })

    it('caps the related documents one read populates, and populates write results as the caller may read', async () => {
      g = await makeGalley(store, {
        maxPopulatedDocs: 3,
        collections: [
          authors,
          {
            ...posts,
            access: { create: () => true, publish: () => true, readDrafts: () => false },
          },
        ],
      })
      const ann = await g.create({ collection: 'authors', data: { name: 'Ann' } })
      await g.update({
        collection: 'authors',
        id: ann.id,
        data: { name: 'Ann draft' },
        draft: true,
      })
      for (let i = 0; i < 5; i++)
        await g.create({ collection: 'posts', data: { title: `p${i}`, author: ann.id } })
      const list = await g.find({ collection: 'posts', depth: 1, sort: 'title', user: null })
      expect(list.docs.map((d) => (typeof d.author === 'object' ? 'doc' : 'id'))).toEqual([
        'doc',
        'doc',
        'doc',
        'id',
        'id',
      ])
      // an anonymous caller allowed to create (not to read drafts) gets the published author back
      const made = await g.create({
        collection: 'posts',
        data: { title: 'anon', author: ann.id },
        depth: 1,
        user: null,
      })
      expect(made.author).toMatchObject({ name: 'Ann', _variant: 'published' })
    })

    it('gives globals drafts and revisions', async () => {
      g = await makeGalley(store)
      const empty = await g.findGlobal({ slug: 'settings' })
      expect(empty).toMatchObject({ siteName: 'My site', _status: null })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Galley', tagline: 'v1' } })
      await g.updateGlobal({ slug: 'settings', data: { tagline: 'v2 draft' }, draft: true })
      expect(await g.findGlobal({ slug: 'settings' })).toMatchObject({
        tagline: 'v1',
        _status: 'changed',
      })
      expect(await g.findGlobal({ slug: 'settings', draft: true })).toMatchObject({
        tagline: 'v2 draft',
        siteName: 'Galley',
        _variant: 'draft',
      })
      await expect(
        g.findGlobal({ slug: 'settings', draft: true, user: null }),
      ).rejects.toMatchObject({ status: 403 })
      expect((await g.listGlobalRevisions({ slug: 'settings' })).totalDocs).toBe(2)
      await g.publishGlobal({ slug: 'settings' })
      expect(await g.findGlobal({ slug: 'settings', user: null })).toMatchObject({
        tagline: 'v2 draft',
        _status: 'published',
      })
      await g.updateGlobal({ slug: 'settings', data: { tagline: 'oops' }, draft: true })
      await g.discardGlobalDraft({ slug: 'settings' })
      expect(await g.findGlobal({ slug: 'settings', draft: true })).toMatchObject({
        tagline: 'v2 draft',
      })
      const first = (await g.listGlobalRevisions({ slug: 'settings', limit: 100 })).docs.at(-1)!
      expect(
        await g.restoreGlobalRevision({ slug: 'settings', revisionId: first.id }),
      ).toMatchObject({ tagline: 'v1', _variant: 'draft' })
      expect(await g.findGlobal({ slug: 'settings' })).toMatchObject({
        tagline: 'v2 draft',
        _status: 'changed',
      })
      await g.discardGlobalDraft({ slug: 'settings' })
      await expect(
        g.updateGlobal({ slug: 'settings', data: { siteName: '' } }),
      ).rejects.toMatchObject({ fields: [{ path: 'siteName' }] })
      // a global that exists only as a draft is invisible to published readers
      const g2 = await makeGalley(store, { globals: [{ ...settings, slug: 'footer' }] })
      // restoring a revision of a global never saved names the revision, not the global
      await expect(
        g2.restoreGlobalRevision({ slug: 'footer', revisionId: 'r-none' }),
      ).rejects.toThrow(
        /Revision "r-none" of global 'footer' does not exist: the global was never saved/,
      )
      await g2.updateGlobal({ slug: 'footer', data: { siteName: 'secret' }, draft: true })
      expect(await g2.findGlobal({ slug: 'footer' })).toMatchObject({
        siteName: 'My site',
        _status: null,
      })
      await g2.close()
    })

    it('announces committed changes to subscribers, never rolled-back ones, and runs transaction() atomically', async () => {
      g = await makeGalley(store)
      const events: string[] = []
      const stop = g.subscribe((e) =>
        events.push(`${e.operation}:${e.collection}:${e.published}:${e.status}`),
      )
      const p = await g.create({ collection: 'posts', data: { title: 'a' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'b' }, draft: true })
      await g.publish({ collection: 'posts', id: p.id })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'S' } })
      await expect(
        g.transaction(async (tx) => {
          await tx.update({ collection: 'posts', id: p.id, data: { title: 'never' } })
          await tx.create({ collection: 'authors', data: { name: 'never' } })
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      expect((await g.findById({ collection: 'posts', id: p.id }))?.title).toBe('b')
      expect((await g.count({ collection: 'authors' })).totalDocs).toBe(0)
      const both = await g.transaction(async (tx) => {
        const a = await tx.create({ collection: 'authors', data: { name: 'x' } })
        return tx.update({ collection: 'posts', id: p.id, data: { author: a.id }, draft: true })
      })
      expect(both._status).toBe('changed')
      await g.delete({ collection: 'posts', id: p.id })
      stop()
      await g.create({ collection: 'authors', data: { name: 'unheard' } })
      expect(events).toEqual([
        'create:posts:true:published',
        'update:posts:false:changed',
        'publish:posts:true:published',
        'create:settings:true:published',
        'create:authors:true:published',
        'update:posts:false:changed',
        'delete:posts:true:null',
      ])
    })

    it('runs hooks inside the transaction: a failing afterChange rolls back the write and the hook writes', async () => {
      const calls: string[] = []
      g = await makeGalley(store, {
        collections: [
          authors,
          {
            ...posts,
            hooks: {
              beforeValidate: ({ data }) => ({
                ...data,
                title: typeof data.title === 'string' ? data.title.trim() : data.title,
              }),
              beforeChange: [
                ({ data, operation }) => {
                  calls.push(`beforeChange:${operation}`)
                  return data
                },
              ],
              afterChange: async ({ doc, galley }) => {
                calls.push(`afterChange:${doc._variant}`)
                await galley.create({ collection: 'authors', data: { name: `log ${doc.title}` } })
                if (doc.title === 'explode') throw new Error('hook failed')
              },
              afterPublish: ({ doc }) => void calls.push(`afterPublish:${doc.title}`),
              afterDelete: ({ id }) => void calls.push(`afterDelete:${id}`),
            },
          },
        ],
      })
      const p = await g.create({ collection: 'posts', data: { title: '  padded  ' }, draft: true })
      expect(p.title).toBe('padded')
      await g.publish({ collection: 'posts', id: p.id })
      await expect(
        g.update({ collection: 'posts', id: p.id, data: { title: 'explode' }, draft: true }),
      ).rejects.toThrow('hook failed')
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))?.title).toBe(
        'padded',
      )
      expect(
        (await g.find({ collection: 'authors', limit: 100 })).docs.map((d) => d.name).sort(),
      ).toEqual(['log padded', 'log padded'])
      await g.delete({ collection: 'posts', id: p.id })
      expect(calls).toEqual([
        'beforeChange:create',
        'afterChange:draft',
        'afterChange:published',
        'afterPublish:padded',
        'beforeChange:update',
        'afterChange:draft',
        `afterDelete:${p.id}`,
      ])
    })
  })
}
