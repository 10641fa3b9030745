import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from '../../sql/test/stores'

afterAll(dropTestSchemas)

/** Globals unpublish as collections do (Local `unpublishGlobal`, or `_status: 'draft'`). */
for (const store of STORES) {
  describe(`unpublishing globals [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store)
    })
    afterEach(() => g.close())

    const history = async () => (await g.listGlobalRevisions({ slug: 'settings', limit: 100 })).docs

    it('unpublishGlobal makes the published content the draft; published reads get the defaults', async () => {
      const live = await g.updateGlobal({
        slug: 'settings',
        data: { siteName: 'Live', tagline: 't' },
      })
      const events: unknown[] = []
      g.subscribe((e) => events.push(e))
      const res = await g.unpublishGlobal({ slug: 'settings', ifRevision: live._rev })
      expect(res).toMatchObject({
        siteName: 'Live',
        tagline: 't',
        _status: 'draft',
        _variant: 'draft',
      })
      expect(await g.findGlobal({ slug: 'settings' })).toMatchObject({
        siteName: 'My site',
        _status: null,
        _rev: null,
      })
      expect(await g.findGlobal({ slug: 'settings', draft: true })).toMatchObject({
        siteName: 'Live',
        _status: 'draft',
      })
      expect(events).toMatchObject([
        { kind: 'global', collection: 'settings', operation: 'unpublish', published: true },
      ])
    })

    it('keeps a newer draft as the working copy', async () => {
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Live' } })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Next' }, draft: true })
      const res = await g.unpublishGlobal({ slug: 'settings' })
      expect(res).toMatchObject({ siteName: 'Next', _status: 'draft' })
    })

    // Payload: "should not create a new version when unpublishing a global". Galley records
    // the unpublish itself as one revision (history replays to the heads), and nothing more.
    it('unpublishing adds exactly one revision, holding the content; repeating it adds none', async () => {
      await g.updateGlobal({
        slug: 'settings',
        data: { _status: 'published', siteName: 'unpublish global test' },
      })
      const initial = (await history()).length
      await g.updateGlobal({ slug: 'settings', data: { _status: 'draft' } })
      const after = await history()
      expect(after).toHaveLength(initial + 1)
      expect(after[0]).toMatchObject({
        action: 'unpublish',
        variant: 'draft',
        data: { siteName: 'unpublish global test' },
      })
      await g.updateGlobal({ slug: 'settings', data: { _status: 'draft' } })
      await expect(g.unpublishGlobal({ slug: 'settings' })).rejects.toMatchObject({
        code: 'INPUT_INVALID',
      })
      expect(await history()).toHaveLength(initial + 1)
      expect((await g.findGlobal({ slug: 'settings', draft: true }))._status).toBe('draft')
    })

    it('publishGlobal after unpublishGlobal brings the content back', async () => {
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Live' } })
      await g.unpublishGlobal({ slug: 'settings' })
      await g.publishGlobal({ slug: 'settings' })
      expect(await g.findGlobal({ slug: 'settings' })).toMatchObject({
        siteName: 'Live',
        _status: 'published',
      })
    })

    it('refuses a stale ifRevision, a caller without publish, and a never-saved global', async () => {
      await expect(g.unpublishGlobal({ slug: 'settings' })).rejects.toMatchObject({
        status: 404,
      })
      const v1 = await g.updateGlobal({ slug: 'settings', data: { siteName: 'One' } })
      await g.updateGlobal({ slug: 'settings', data: { siteName: 'Two' } })
      await expect(
        g.unpublishGlobal({ slug: 'settings', ifRevision: v1._rev }),
      ).rejects.toMatchObject({ code: 'CONFLICT', status: 409 })
      await expect(g.unpublishGlobal({ slug: 'nope' })).rejects.toMatchObject({ status: 404 })
      const h = await makeGalley(store, {
        globals: [
          {
            slug: 'settings',
            versions: { drafts: true },
            fields: [{ name: 'siteName', type: 'text' }],
            access: { update: () => true, publish: () => false },
          },
        ],
      })
      try {
        await h.updateGlobal({ slug: 'settings', data: { siteName: 'Kept' } })
        await expect(
          h.unpublishGlobal({ slug: 'settings', user: { id: 'u' } }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' })
        expect((await h.findGlobal({ slug: 'settings' })).siteName).toBe('Kept')
      } finally {
        await h.close()
      }
    })
  })
}
