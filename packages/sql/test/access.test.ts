import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CollectionConfig, Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley, authors } from './stores'

afterAll(dropTestSchemas)

type U = { id: string; role: 'admin' | 'editor' | 'viewer'; team?: string } | null

/** Articles: public sees only non-premium; viewers read drafts of their team only. */
const articles: CollectionConfig = {
  slug: 'articles',
  versions: { drafts: true },
  fields: [
    { name: 'title', type: 'text', required: true },
    { name: 'premium', type: 'checkbox' },
    { name: 'team', type: 'text' },
  ],
  access: {
    read: ({ user }) => ((user as U) ? true : { premium: { not_equals: true } }),
    readDrafts: ({ user }) => {
      const u = user as U
      if (!u) return false
      return u.role === 'viewer' ? { team: { equals: u.team ?? '' } } : true
    },
    create: ({ user }) => !!user && (user as NonNullable<U>).role !== 'viewer',
    update: ({ user }) => {
      const u = user as U
      if (!u || u.role === 'viewer') return false
      return u.role === 'admin' ? true : { team: { equals: u.team ?? '' } }
    },
    publish: ({ user }) => (user as U)?.role === 'admin',
    delete: ({ user }) => (user as U)?.role === 'admin',
  },
}

for (const store of STORES) {
  describe(`access [${store.name}]`, () => {
    let g: Galley
    let id: string
    beforeEach(async () => {
      g = await makeGalley(store, { collections: [authors, articles], globals: [] })
      // published: free, team red. draft: becomes premium and moves to team blue.
      id = (
        await g.create({
          collection: 'articles',
          data: { title: 'Free', premium: false, team: 'red' },
        })
      ).id
      await g.update({
        collection: 'articles',
        id,
        data: { title: 'Now premium', premium: true, team: 'blue' },
        draft: true,
      })
      await g.create({
        collection: 'articles',
        data: { title: 'Paid', premium: true, team: 'red' },
      })
    })
    afterEach(() => g.close())

    const anon = { user: null }
    const viewerRed = { user: { id: 'v', role: 'viewer', team: 'red' } }
    const viewerBlue = { user: { id: 'v2', role: 'viewer', team: 'blue' } }
    const editorRed = { user: { id: 'e', role: 'editor', team: 'red' } }
    const admin = { user: { id: 'a', role: 'admin' } }

    it('anonymous callers read published content filtered by the read constraint', async () => {
      const res = await g.find({ collection: 'articles', ...anon })
      expect(res.docs.map((d) => d.title)).toEqual(['Free'])
      expect(res.totalDocs).toBe(1)
      expect((await g.count({ collection: 'articles', ...anon })).totalDocs).toBe(1)
    })

    it('anonymous callers cannot use any non-published perspective', async () => {
      for (const perspective of ['drafts', 'raw', ['spring']] as const) {
        await expect(
          g.find({ collection: 'articles', perspective, ...anon }),
        ).rejects.toMatchObject({ status: 403 })
        await expect(
          g.findById({ collection: 'articles', id, perspective, ...anon }),
        ).rejects.toMatchObject({ status: 403 })
      }
      await expect(g.listRevisions({ collection: 'articles', id, ...anon })).rejects.toMatchObject({
        status: 403,
      })
    })

    it('checks constraints against the resolved variant, not another one', async () => {
      // viewer of team red: published variant is red, but the draft (what drafts resolves to) is blue
      expect(await g.findById({ collection: 'articles', id, draft: true, ...viewerRed })).toBeNull()
      expect(
        (await g.findById({ collection: 'articles', id, draft: true, ...viewerBlue }))?.title,
      ).toBe('Now premium')
      const red = await g.find({ collection: 'articles', draft: true, ...viewerRed })
      expect(red.docs.map((d) => d.title)).toEqual(['Paid'])
      // filtering by a value only the draft has returns nothing to someone who may not see that draft
      expect(
        (
          await g.find({
            collection: 'articles',
            draft: true,
            where: { title: { equals: 'Now premium' } },
            ...viewerRed,
          })
        ).totalDocs,
      ).toBe(0)
      expect(
        (
          await g.find({
            collection: 'articles',
            where: { title: { equals: 'Now premium' } },
            ...anon,
          })
        ).totalDocs,
      ).toBe(0)
    })

    it('applies write rules, with constraints checked on the current content', async () => {
      await expect(
        g.create({ collection: 'articles', data: { title: 'x' }, draft: true, ...anon }),
      ).rejects.toMatchObject({ status: 403 })
      await expect(
        g.create({ collection: 'articles', data: { title: 'x' }, draft: true, ...viewerRed }),
      ).rejects.toMatchObject({ status: 403 })
      // editor may draft but not publish
      const d = await g.create({
        collection: 'articles',
        data: { title: 'e', team: 'red' },
        draft: true,
        ...editorRed,
      })
      await expect(
        g.create({ collection: 'articles', data: { title: 'e2', team: 'red' }, ...editorRed }),
      ).rejects.toMatchObject({ status: 403 })
      await expect(
        g.publish({ collection: 'articles', id: d.id, ...editorRed }),
      ).rejects.toMatchObject({ status: 403 })
      // the current content of `id` is team blue: editor red may not update it
      await expect(
        g.update({
          collection: 'articles',
          id,
          data: { title: 'hijack' },
          draft: true,
          ...editorRed,
        }),
      ).rejects.toMatchObject({ status: 403 })
      await expect(g.delete({ collection: 'articles', id, ...editorRed })).rejects.toMatchObject({
        status: 403,
      })
      expect((await g.publish({ collection: 'articles', id, ...admin }))._status).toBe('published')
      expect((await g.findById({ collection: 'articles', id, draft: true }))?.title).toBe(
        'Now premium',
      )
    })

    it('tells a caller without permission nothing about which ids exist', async () => {
      const missing = 'does-not-exist'
      for (const target of [id, missing]) {
        await expect(
          g.update({
            collection: 'articles',
            id: target,
            data: { title: 'x' },
            draft: true,
            ifRevision: 'zzz',
            ...anon,
          }),
        ).rejects.toMatchObject({ status: 403 })
        await expect(
          g.publish({ collection: 'articles', id: target, ...viewerRed }),
        ).rejects.toMatchObject({ status: 403 })
        await expect(
          g.delete({ collection: 'articles', id: target, ifRevision: 'zzz', ...anon }),
        ).rejects.toMatchObject({ status: 403 })
        await expect(
          g.create({
            collection: 'articles',
            id: target,
            data: { title: 'x' },
            draft: true,
            ...anon,
          }),
        ).rejects.toMatchObject({ status: 403 })
      }
      // a conflict shows the current revision only to callers who may read drafts
      const blind = await makeGalley(store, {
        collections: [
          authors,
          {
            ...articles,
            slug: 'open',
            access: {
              create: () => true,
              publish: () => true,
              update: () => true,
              readDrafts: () => false,
            },
          },
        ],
        globals: [],
      })
      const doc = await blind.create({ collection: 'open', data: { title: 't' } })
      await blind.update({ collection: 'open', id: doc.id, data: { title: 'draft' }, draft: true })
      await expect(
        blind.update({
          collection: 'open',
          id: doc.id,
          data: { title: 'x' },
          ifRevision: doc._rev,
          ...anon,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', currentRevision: null })
      await expect(
        blind.create({ collection: 'open', id: doc.id, data: { title: 'x' }, ...anon }),
      ).rejects.toMatchObject({ code: 'CONFLICT', currentRevision: null })
      await blind.close()
    })

    it('trusted server code (no user) skips access; overrideAccess false enforces it', async () => {
      expect((await g.find({ collection: 'articles', draft: true })).totalDocs).toBe(2)
      await expect(
        g.find({ collection: 'articles', draft: true, overrideAccess: false }),
      ).rejects.toMatchObject({ status: 403 })
    })
  })
}
