import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`document lifecycle [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store)
    })
    afterEach(() => g.close())

    it('keeps the published version while two draft edits pile up, then publishes', async () => {
      const created = await g.create({
        collection: 'posts',
        data: { title: 'Original', slug: 'first' },
      })
      expect(created._status).toBe('published')
      expect(created._variant).toBe('published')
      await g.update({
        collection: 'posts',
        id: created.id,
        data: { title: 'Draft one' },
        draft: true,
      })
      const second = await g.update({
        collection: 'posts',
        id: created.id,
        data: { title: 'Draft two' },
        draft: true,
      })
      expect(second._status).toBe('changed')
      expect(second._variant).toBe('draft')
      expect(second.slug).toBe('first') // unchanged fields carry over into the draft

      const pub = await g.findById({ collection: 'posts', id: created.id })
      expect(pub?.title).toBe('Original')
      expect(pub?._status).toBe('changed')
      expect(pub?._variant).toBe('published')
      const draft = await g.findById({ collection: 'posts', id: created.id, draft: true })
      expect(draft?.title).toBe('Draft two')
      expect((await g.find({ collection: 'posts' })).docs.map((d) => d.title)).toEqual(['Original'])
      expect((await g.find({ collection: 'posts', draft: true })).docs.map((d) => d.title)).toEqual(
        ['Draft two'],
      )

      const raw = await g.find({ collection: 'posts', perspective: 'raw' })
      expect(raw.docs.map((d) => `${d._variant}:${d.title}`).sort()).toEqual([
        'draft:Draft two',
        'published:Original',
      ])

      const published = await g.publish({ collection: 'posts', id: created.id })
      expect(published._status).toBe('published')
      expect((await g.findById({ collection: 'posts', id: created.id }))?.title).toBe('Draft two')
      const revs = await g.listRevisions({ collection: 'posts', id: created.id })
      expect(revs.docs.map((r) => r.action)).toEqual(['publish', 'update', 'update', 'create'])
    })

    it('hands every read its own documents, with the keys a write answers with', async () => {
      const created = await g.create({
        collection: 'posts',
        data: { title: 'Mine', slug: 'mine', tagsList: ['a'] },
      })
      const drafted = await g.update({
        collection: 'posts',
        id: created.id,
        data: { title: 'Mine, edited' },
        draft: true,
      })
      // Reads build documents out of the rows they read (the content object becomes the
      // document): the same keys as a write's answer (PostgreSQL's jsonb orders them its way).
      const [found] = (await g.find({ collection: 'posts' })).docs
      expect(Object.keys(found!).sort()).toEqual(Object.keys(created).sort())
      const [draft] = (await g.find({ collection: 'posts', draft: true })).docs
      expect(Object.keys(draft!).sort()).toEqual([...Object.keys(drafted), 'updatedBy'].sort())
      // Changing what a read returned changes no later read (the read cache keeps text).
      const before = structuredClone([found!, draft!])
      for (const doc of [found!, draft!]) {
        doc.title = 'changed by the caller'
        ;(doc.tagsList as string[]).push('b')
      }
      const again = await g.find({ collection: 'posts' })
      expect(again.docs[0]).toEqual(before[0])
      expect(again.docs[0]).not.toBe(found)
      const byId = await g.findById({ collection: 'posts', id: created.id, draft: true })
      expect(byId).toEqual(before[1])
    })

    it('never shows a never-published draft in the published perspective', async () => {
      const d = await g.create({ collection: 'posts', data: { title: 'Secret' }, draft: true })
      expect(d._status).toBe('draft')
      expect(await g.findById({ collection: 'posts', id: d.id })).toBeNull()
      expect(
        (await g.find({ collection: 'posts', where: { title: { equals: 'Secret' } } })).totalDocs,
      ).toBe(0)
      expect((await g.count({ collection: 'posts' })).totalDocs).toBe(0)
      expect((await g.count({ collection: 'posts', draft: true })).totalDocs).toBe(1)
    })

    it('skips required on draft writes but enforces it on publish with field errors', async () => {
      const d = await g.create({ collection: 'posts', data: { slug: 'no-title' }, draft: true })
      await expect(g.publish({ collection: 'posts', id: d.id })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ path: 'title', message: 'This field is required.' }],
      })
      // other checks still run on drafts
      await expect(
        g.update({ collection: 'posts', id: d.id, data: { views: -1 }, draft: true }),
      ).rejects.toMatchObject({ status: 422, fields: [{ path: 'views' }] })
      await expect(
        g.create({ collection: 'posts', data: { title: 5 }, draft: true }),
      ).rejects.toMatchObject({ fields: [{ path: 'title' }] })
      // the failed writes changed nothing
      expect((await g.listRevisions({ collection: 'posts', id: d.id })).totalDocs).toBe(1)
    })

    it('unpublishes into a draft and discards drafts back to published', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'Live', slug: 'live' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'Edited' }, draft: true })
      const reverted = await g.discardDraft({ collection: 'posts', id: p.id })
      expect(reverted._status).toBe('published')
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))?.title).toBe('Live')

      const un = await g.unpublish({ collection: 'posts', id: p.id })
      expect(un._status).toBe('draft')
      expect(await g.findById({ collection: 'posts', id: p.id })).toBeNull()
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))?.title).toBe('Live')
      await expect(g.discardDraft({ collection: 'posts', id: p.id })).rejects.toMatchObject({
        code: 'INPUT_INVALID',
      })
    })

    it('restores an old revision as a draft or publishes it', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'v1' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'v2' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'v3' }, draft: true })
      const revs = await g.listRevisions({ collection: 'posts', id: p.id })
      const v1 = revs.docs.find((r) => r.data?.title === 'v1')!
      const restored = await g.restoreRevision({ collection: 'posts', id: p.id, revisionId: v1.id })
      expect(restored._variant).toBe('draft')
      expect(restored.title).toBe('v1')
      expect((await g.findById({ collection: 'posts', id: p.id }))?.title).toBe('v2')
      await g.restoreRevision({ collection: 'posts', id: p.id, revisionId: v1.id, draft: false })
      expect((await g.findById({ collection: 'posts', id: p.id }))?.title).toBe('v1')
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))?._status).toBe(
        'published',
      )
      await expect(
        g.restoreRevision({ collection: 'posts', id: p.id, revisionId: 'nope' }),
      ).rejects.toMatchObject({ status: 404 })
    })

    it('deletes a document with its history', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'gone', slug: 'gone' } })
      await g.delete({ collection: 'posts', id: p.id })
      expect(await g.findById({ collection: 'posts', id: p.id, draft: true })).toBeNull()
      await expect(g.listRevisions({ collection: 'posts', id: p.id })).rejects.toMatchObject({
        status: 404,
      })
      // the slug is free again
      await g.create({ collection: 'posts', data: { title: 'again', slug: 'gone' } })
    })

    it('enforces unique fields in the published layer and in the drafts view', async () => {
      await g.create({ collection: 'posts', data: { title: 'A', slug: 'same' } })
      await expect(
        g.create({ collection: 'posts', data: { title: 'B', slug: 'same' } }),
      ).rejects.toMatchObject({ status: 422, fields: [{ path: 'slug' }] })
      await expect(
        g.create({ collection: 'posts', data: { title: 'B', slug: 'same' }, draft: true }),
      ).rejects.toMatchObject({ fields: [{ path: 'slug' }] })
      // a document may keep its own slug across its draft and published variants
      const b = await g.create({ collection: 'posts', data: { title: 'B', slug: 'other' } })
      await g.update({ collection: 'posts', id: b.id, data: { title: 'B2' }, draft: true })
      await g.publish({ collection: 'posts', id: b.id })
      expect((await g.find({ collection: 'posts' })).totalDocs).toBe(2)
    })

    it('keeps a refused write out of the history of a transaction that goes on', async () => {
      await g.create({ collection: 'posts', data: { title: 'A', slug: 'taken' } })
      const b = await g.create({ collection: 'posts', data: { title: 'B', slug: 'b' } })
      const outcome = await g
        .transaction(async (tx) => {
          await expect(
            tx.update({ collection: 'posts', id: b.id, data: { title: 'B?', slug: 'taken' } }),
          ).rejects.toMatchObject({ fields: [{ path: 'slug' }] })
          await tx.update({ collection: 'posts', id: b.id, data: { title: 'B2' }, draft: true })
        })
        .then(
          () => 'committed',
          () => 'rolled back', // PostgreSQL aborts a transaction at its first error
        )
      const history = await g.listRevisions({ collection: 'posts', id: b.id })
      const titles = history.docs.map((r) => r.data?.title)
      expect(titles).toEqual(outcome === 'committed' ? ['B2', 'B'] : ['B'])
      expect(titles).not.toContain('B?')
      expect(outcome).toBe(store.name === 'sqlite' ? 'committed' : 'rolled back')
    })

    it('puts every head back when a write is refused after changing some of them', async () => {
      await g.create({ collection: 'posts', data: { title: 'A', slug: 'taken' } })
      const b = await g.create({ collection: 'posts', data: { title: 'B', slug: 'b' } })
      const c = await g.create({ collection: 'posts', data: { title: 'C', slug: 'c' } })
      await g.update({
        collection: 'posts',
        id: c.id,
        data: { title: 'C2', slug: 'c2' },
        draft: true,
      })
      const state = async () => ({
        raw: (await g.find({ collection: 'posts', perspective: 'raw' })).docs.map(
          (d) => `${d.title}/${d._variant}/${d._status}`,
        ),
        drafts: (await g.find({ collection: 'posts', perspective: 'drafts' })).docs.map(
          (d) => d.title,
        ),
        history: [
          ...(await g.listRevisions({ collection: 'posts', id: b.id })).docs,
          ...(await g.listRevisions({ collection: 'posts', id: c.id })).docs,
        ].map((r) => r.data?.title),
      })
      const before = await state()
      const refused = [
        // B's first draft: the published head leaves the drafts view, then the draft clashes
        { collection: 'posts', id: b.id, data: { title: 'B?', slug: 'taken' }, draft: true },
        // C's draft head goes, then the published head clashes
        { collection: 'posts', id: c.id, data: { title: 'C?', slug: 'taken' } },
      ]
      for (const write of refused)
        await g
          .transaction(async (tx) => {
            await expect(tx.update(write)).rejects.toMatchObject({ fields: [{ path: 'slug' }] })
          })
          .catch(() => {}) // PostgreSQL aborts a transaction at its first error
      expect(await state()).toEqual(before)
    })

    it('writes release variants and resolves stacked perspectives', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'pub' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'draft' }, draft: true })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'spring' },
        release: 'spring',
      })
      const q = await g.create({ collection: 'posts', data: { title: 'only-pub' } })
      const stack = await g.find({
        collection: 'posts',
        perspective: ['spring', 'drafts'],
        sort: 'title',
      })
      expect(stack.docs.map((d) => `${d.title}:${d._variant}`)).toEqual([
        'only-pub:published',
        'spring:release:spring',
      ])
      const noDrafts = await g.find({
        collection: 'posts',
        perspective: 'spring,published',
        sort: 'title',
      })
      expect(noDrafts.docs.map((d) => d.title)).toEqual(['only-pub', 'spring'])
      expect(
        (await g.findById({ collection: 'posts', id: p.id, perspective: 'drafts' }))?.title,
      ).toBe('draft')
      expect(
        (await g.findById({ collection: 'posts', id: q.id, perspective: ['spring'] }))?.title,
      ).toBe('only-pub')
      await expect(
        g.find({ collection: 'posts', perspective: 'bad perspective!' }),
      ).rejects.toMatchObject({ code: 'QUERY_INVALID' })
    })
  })
}
