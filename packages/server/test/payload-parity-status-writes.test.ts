import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from '../../sql/test/stores'

afterAll(dropTestSchemas)

/**
 * Payload's drafts seed: "On the API side, this is done by simply setting
 * `_status: 'draft'` on any document". `_status` in write data is read, never dropped.
 */
for (const store of STORES) {
  describe(`_status in Local API writes [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store)
    })
    afterEach(() => g.close())

    const revisions = async (id: string) =>
      (await g.listRevisions({ collection: 'posts', id, limit: 100 })).docs
    const published = (id: string) => g.findById({ collection: 'posts', id })
    const drafts = (id: string) => g.findById({ collection: 'posts', id, draft: true })

    it("_status 'draft' on an update unpublishes and publishes nothing pending", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'Pending' },
        draft: true,
      })
      const before = (await revisions(p.id)).length
      const res = await g.update({ collection: 'posts', id: p.id, data: { _status: 'draft' } })
      expect(res).toMatchObject({ title: 'Pending', _status: 'draft', _variant: 'draft' })
      expect(await published(p.id)).toBeNull()
      expect(await drafts(p.id)).toMatchObject({ title: 'Pending', _status: 'draft' })
      const revs = await revisions(p.id)
      expect(revs).toHaveLength(before + 1)
      expect(revs[0]).toMatchObject({ action: 'unpublish', data: { title: 'Pending' } })
    })

    it("_status 'draft' with field changes makes the changed content the draft", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live', views: 3 } })
      const res = await g.update({
        collection: 'posts',
        id: p.id,
        data: { _status: 'draft', title: 'Edited' },
      })
      expect(res).toMatchObject({ title: 'Edited', views: 3, _status: 'draft' })
      expect(await published(p.id)).toBeNull()
      expect(await g.count({ collection: 'posts' })).toEqual({ totalDocs: 0 })
    })

    it("_status 'draft' relaxes required checks, as draft: true does", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      const res = await g.update({
        collection: 'posts',
        id: p.id,
        data: { _status: 'draft', title: '' },
      })
      expect(res).toMatchObject({ title: '', _status: 'draft' })
    })

    it("_status 'published' on an update publishes, as a write without draft does", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'One' }, draft: true })
      const res = await g.update({
        collection: 'posts',
        id: p.id,
        data: { _status: 'published', title: 'Two' },
      })
      expect(res).toMatchObject({ title: 'Two', _status: 'published', _variant: 'published' })
      expect(await published(p.id)).toMatchObject({ title: 'Two', _status: 'published' })
    })

    it("_status 'published' alone publishes a pending draft with full validation", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'One' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: '' }, draft: true })
      await expect(
        g.update({ collection: 'posts', id: p.id, data: { _status: 'published' } }),
      ).rejects.toMatchObject({ status: 422, fields: [{ path: 'title' }] })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'Fixed' }, draft: true })
      await g.update({ collection: 'posts', id: p.id, data: { _status: 'published' } })
      expect(await published(p.id)).toMatchObject({ title: 'Fixed', _status: 'published' })
    })

    it("_status on create: 'draft' is a never-published draft, 'published' publishes", async () => {
      const d = await g.create({
        collection: 'posts',
        data: { _status: 'draft', title: 'Secret plan' },
      })
      expect(d).toMatchObject({ _status: 'draft', _variant: 'draft' })
      expect(await published(d.id)).toBeNull()
      const p = await g.create({
        collection: 'posts',
        data: { _status: 'published', title: 'Out' },
      })
      expect(await published(p.id)).toMatchObject({ title: 'Out', _status: 'published' })
      expect(await drafts(p.id)).not.toHaveProperty('_status', 'draft')
    })

    it("_status 'draft' with draft: true saves a draft and keeps the published content", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      for (const flags of [{ draft: true }, { autosave: true }])
        await g.update({
          collection: 'posts',
          id: p.id,
          data: { _status: 'draft', title: 'Work' },
          ...flags,
        })
      expect(await published(p.id)).toMatchObject({ title: 'Live', _status: 'changed' })
      expect(await drafts(p.id)).toMatchObject({ title: 'Work', _status: 'changed' })
    })

    it('refuses any other _status, saying what to send, and writes nothing', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      const before = (await revisions(p.id)).length
      for (const bad of ['changed', 'archived', 'Draft', null, 1, true, ['draft'], {}]) {
        const err = await g
          .update({ collection: 'posts', id: p.id, data: { _status: bad, title: 'Lost' } })
          .catch((e: unknown) => e)
        expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 })
        const field = (err as { fields: Array<{ path: string; message: string }> }).fields[0]!
        expect(field.path).toBe('_status')
        expect(field.message).toMatch(/'draft'.*'published'/)
        await expect(
          g.create({ collection: 'posts', data: { _status: bad, title: 'Lost' } }),
        ).rejects.toMatchObject({ status: 422 })
      }
      expect(await revisions(p.id)).toHaveLength(before)
      expect(await drafts(p.id)).toMatchObject({ title: 'Live', _status: 'published' })
      expect(await g.count({ collection: 'posts', draft: true })).toEqual({ totalDocs: 1 })
    })

    it('refuses write flags that contradict each other (400) and writes nothing', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Flags' } })
      for (const [flags, message] of [
        [{ draft: false, autosave: true }, /autosave saves a draft/],
        [{ release: 'spring', draft: true }, /release writes that release's version/],
        [{ release: 'spring', autosave: true }, /release writes that release's version/],
      ] as const) {
        const err = await g
          .update({ collection: 'posts', id: p.id, data: { title: 'Lost' }, ...flags })
          .catch((e: unknown) => e)
        expect(err).toMatchObject({ code: 'INPUT_INVALID', status: 400 })
        expect((err as Error).message).toMatch(message)
      }
      expect(await revisions(p.id)).toHaveLength(1)
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))!.title).toBe(
        'Flags',
      )
      const before = (await g.count({ collection: 'posts', draft: true })).totalDocs
      for (const flags of [
        { release: 'spring', draft: true },
        { release: 'spring', autosave: true },
      ])
        await expect(
          g.create({ collection: 'posts', data: { title: 'Lost' }, ...flags }),
        ).rejects.toMatchObject({ code: 'INPUT_INVALID', status: 400 })
      expect((await g.count({ collection: 'posts', draft: true })).totalDocs).toBe(before)
    })

    it("refuses _status 'published' with a draft flag (400) and writes nothing", async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      for (const flags of [{ draft: true }, { autosave: true }, { release: 'spring' }]) {
        const err = await g
          .update({
            collection: 'posts',
            id: p.id,
            data: { _status: 'published', title: 'Lost' },
            ...flags,
          })
          .catch((e: unknown) => e)
        expect(err).toMatchObject({ code: 'INPUT_INVALID', status: 400 })
        expect((err as Error).message).toMatch(/contradicts draft: true.*leave out draft/)
      }
      await expect(
        g.create({ collection: 'posts', data: { _status: 'published', title: 'x' }, draft: true }),
      ).rejects.toMatchObject({ status: 400 })
      expect(await revisions(p.id)).toHaveLength(1)
      expect(await g.count({ collection: 'posts', draft: true })).toEqual({ totalDocs: 1 })
    })

    it("refuses _status 'draft' where there are no drafts, naming the fix", async () => {
      const h = await makeGalley(store, {
        collections: [{ slug: 'notes', fields: [{ name: 'text', type: 'text' }] }],
        globals: [],
      })
      try {
        const n = await h.create({ collection: 'notes', data: { text: 'a', _status: 'published' } })
        await expect(
          h.update({ collection: 'notes', id: n.id, data: { _status: 'draft' } }),
        ).rejects.toThrow(/no drafts.*versions: \{ drafts: true \}/)
        expect((await h.findById({ collection: 'notes', id: n.id }))?.text).toBe('a')
      } finally {
        await h.close()
      }
    })

    it('a _status that changes nothing makes no revision', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      await g.update({ collection: 'posts', id: p.id, data: { _status: 'published' } })
      expect(await revisions(p.id)).toHaveLength(1)
      await g.update({ collection: 'posts', id: p.id, data: { _status: 'draft' } })
      expect(await revisions(p.id)).toHaveLength(2)
      const again = await g.update({ collection: 'posts', id: p.id, data: { _status: 'draft' } })
      expect(again).toMatchObject({ title: 'Live', _status: 'draft' })
      expect(await revisions(p.id)).toHaveLength(2)
    })

    it('unpublishing through _status needs the publish permission; a refusal changes nothing', async () => {
      const h = await makeGalley(store, {
        collections: [
          {
            slug: 'posts',
            versions: { drafts: true },
            fields: [{ name: 'title', type: 'text' }],
            access: { update: () => true, publish: () => false, readDrafts: () => true },
          },
        ],
        globals: [],
      })
      try {
        const p = await h.create({ collection: 'posts', data: { title: 'Live' } })
        const editor = { id: 'u1' }
        await h.update({
          collection: 'posts',
          id: p.id,
          data: { title: 'Draft' },
          draft: true,
          user: editor,
        })
        await expect(
          h.update({ collection: 'posts', id: p.id, data: { _status: 'draft' }, user: editor }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' })
        expect(await h.findById({ collection: 'posts', id: p.id })).toMatchObject({
          title: 'Live',
          _status: 'changed',
        })
      } finally {
        await h.close()
      }
    })

    it('announces an unpublish through _status as a change of published content', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live' } })
      const events: unknown[] = []
      g.subscribe((e) => events.push(e))
      await g.update({ collection: 'posts', id: p.id, data: { _status: 'draft' } })
      expect(events).toEqual([
        {
          kind: 'collection',
          collection: 'posts',
          id: p.id,
          operation: 'unpublish',
          published: true,
          status: 'draft',
          rev: expect.any(String),
        },
      ])
    })
  })
}
