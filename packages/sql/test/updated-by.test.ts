import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Galley, GalleyDoc } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

const alice = { id: 'alice' }
const bob = { id: 'bob' }
const as = (user: { id: string }) => ({ user, overrideAccess: true })

for (const store of STORES) {
  describe(`updatedBy: who wrote what a non-published read shows [${store.name}]`, () => {
    let g: Galley
    let id: string
    beforeEach(async () => {
      g = await makeGalley(store)
      id = (
        await g.create({
          collection: 'posts',
          data: { title: 'Hello', slug: 'hello', views: 1 },
          ...as(alice),
        })
      ).id
      await g.update({
        collection: 'posts',
        id,
        data: { title: 'Hello, edited' },
        draft: true,
        ...as(bob),
      })
    })
    afterEach(() => g.close())

    const title = (d: GalleyDoc | null | undefined) => d?.title

    it('names the author of the draft in drafts reads, by id and by query shape', async () => {
      const byId = await g.findById({ collection: 'posts', id, perspective: 'drafts' })
      expect([title(byId), byId?.updatedBy]).toEqual(['Hello, edited', 'bob'])
      // A unique field pins one row; a non-unique index pages; a text filter reads content.
      for (const where of [
        { slug: { equals: 'hello' } },
        { views: { equals: 1 } },
        { title: { like: 'edited' } },
        undefined,
      ]) {
        const { docs } = await g.find({ collection: 'posts', where, perspective: 'drafts' })
        expect(docs.map((d) => [d.title, d.updatedBy])).toEqual([['Hello, edited', 'bob']])
      }
      // The published variant, as the drafts view shows it before any draft: its own author.
      const other = await g.create({ collection: 'posts', data: { title: 'Other' }, ...as(bob) })
      const shown = await g.findById({ collection: 'posts', id: other.id, draft: true })
      expect(shown?.updatedBy).toBe('bob')
    })

    it('never appears in published reads, whatever the query shape', async () => {
      const byId = await g.findById({ collection: 'posts', id })
      expect(title(byId)).toBe('Hello')
      expect(byId).not.toHaveProperty('updatedBy')
      for (const where of [
        { slug: { equals: 'hello' } },
        { views: { equals: 1 } },
        { title: { like: 'hello' } },
        undefined,
      ]) {
        const { docs } = await g.find({ collection: 'posts', where, sort: '-createdAt' })
        expect(docs).toHaveLength(1)
        expect(docs[0]).not.toHaveProperty('updatedBy')
      }
    })

    it('shows each variant its own author in raw reads, and release content its author', async () => {
      const raw = await g.find({ collection: 'posts', perspective: 'raw' })
      expect(raw.docs.map((d) => [d._variant, d.updatedBy]).sort()).toEqual([
        ['draft', 'bob'],
        ['published', 'alice'],
      ])
      await g.update({
        collection: 'posts',
        id,
        data: { title: 'For the launch' },
        release: 'launch',
        ...as(alice),
      })
      const stacked = await g.findById({
        collection: 'posts',
        id,
        perspective: ['launch', 'drafts'],
      })
      expect([title(stacked), stacked?.updatedBy]).toEqual(['For the launch', 'alice'])
      const listed = await g.find({ collection: 'posts', perspective: ['launch', 'drafts'] })
      expect(listed.docs.map((d) => [d.title, d.updatedBy])).toEqual([['For the launch', 'alice']])
    })

    it('is null for content written by server code, and follows the newest writer', async () => {
      await g.update({ collection: 'posts', id, data: { title: 'By a script' }, draft: true })
      const doc = await g.findById({ collection: 'posts', id, draft: true })
      expect([title(doc), doc?.updatedBy]).toEqual(['By a script', null])
      await g.publish({ collection: 'posts', id, ...as(alice) })
      const published = await g.findById({ collection: 'posts', id, draft: true })
      expect(published?.updatedBy).toBe('alice')
    })

    it('is not part of write answers', async () => {
      const saved = await g.update({
        collection: 'posts',
        id,
        data: { title: 'Again' },
        draft: true,
        depth: 1,
        ...as(bob),
      })
      expect(saved.title).toBe('Again')
      expect(saved).not.toHaveProperty('updatedBy')
      const created = await g.create({ collection: 'posts', data: { title: 'New' }, ...as(bob) })
      expect(created).not.toHaveProperty('updatedBy')
    })

    it('goes with globals: drafts reads name the author, defaults say null, published none', async () => {
      const unsaved = await g.findGlobal({ slug: 'settings', draft: true })
      expect(unsaved.updatedBy).toBeNull()
      expect(await g.findGlobal({ slug: 'settings' })).not.toHaveProperty('updatedBy')
      await g.updateGlobal({
        slug: 'settings',
        data: { siteName: 'Site' },
        draft: true,
        ...as(bob),
      })
      expect((await g.findGlobal({ slug: 'settings', draft: true })).updatedBy).toBe('bob')
      expect(await g.findGlobal({ slug: 'settings' })).not.toHaveProperty('updatedBy')
    })
  })
}
