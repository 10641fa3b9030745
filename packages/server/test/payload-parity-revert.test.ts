import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Galley } from '@galley/core'
import { type RevisionRow, replayRevisions } from '@galley/core/storage'
import { STORES, dropTestSchemas, makeGalley } from '../../sql/test/stores'

afterAll(dropTestSchemas)

/**
 * Payload: reverting to published "will create a new version that will reflect the last
 * published state". Galley's `discardDraft` revision holds the published content.
 */
for (const store of STORES) {
  describe(`revert to published in history [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store)
    })
    afterEach(() => g.close())

    async function revertedPost() {
      const p = await g.create({ collection: 'posts', data: { title: 'Published', views: 1 } })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'Draft', views: 2 },
        draft: true,
      })
      const back = await g.discardDraft({ collection: 'posts', id: p.id })
      return { p, back }
    }

    it('the discardDraft revision holds the published content', async () => {
      const { p, back } = await revertedPost()
      expect(back).toMatchObject({ title: 'Published', views: 1, _status: 'published' })
      const [newest] = (await g.listRevisions({ collection: 'posts', id: p.id })).docs
      expect(newest).toMatchObject({
        action: 'discardDraft',
        data: { title: 'Published', views: 1 },
      })
    })

    it('leaves the published head and its revision as they were', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Published' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'Draft' }, draft: true })
      const events: Array<{ published: boolean }> = []
      g.subscribe((e) => events.push(e))
      await g.discardDraft({ collection: 'posts', id: p.id })
      expect((await g.findById({ collection: 'posts', id: p.id }))?._rev).toBe(p._rev)
      expect(events).toMatchObject([{ operation: 'discardDraft', published: false }])
    })

    it('restoring the revert revision makes the published content the draft again', async () => {
      const { p } = await revertedPost()
      await g.update({ collection: 'posts', id: p.id, data: { title: 'Later' }, draft: true })
      const revs = (await g.listRevisions({ collection: 'posts', id: p.id })).docs
      const revert = revs.find((r) => r.action === 'discardDraft')!
      const restored = await g.restoreRevision({
        collection: 'posts',
        id: p.id,
        revisionId: revert.id,
      })
      expect(restored).toMatchObject({ title: 'Published', _variant: 'draft', _status: 'changed' })
    })

    it('the history still replays to the stored heads', async () => {
      const { p } = await revertedPost()
      const history = (
        await g.config.storage.listRevisions('posts', p.id, { limit: 100, offset: 0 })
      ).rows.reverse() as RevisionRow[]
      const replayed = replayRevisions(history)
      const heads = await g.config.storage.getHeads('posts', p.id)
      expect([...replayed].map(([v, h]) => [v, h.rev, h.data])).toEqual(
        heads.map((h) => [h.variant, h.rev, h.data]),
      )
      expect([...replayed.keys()]).toEqual(['published'])
    })

    it('a global revert is in its history too', async () => {
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Live' } })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Draft' }, draft: true })
      await g.discardGlobalDraft({ slug: 'settings' })
      const [newest] = (await g.listGlobalRevisions({ slug: 'settings' })).docs
      expect(newest).toMatchObject({ action: 'discardDraft', data: { siteName: 'Live' } })
    })
  })
}
