import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Galley, ReleasePublishError, Releases } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`releases [${store.name}]`, () => {
    let g: Galley
    let releases: Releases
    beforeEach(async () => {
      g = await makeGalley(store)
      releases = new Releases(g)
    })
    afterEach(() => g.close())

    const post = (title: string, slug: string, draft = false) =>
      g.create({ collection: 'posts', data: { title, slug }, draft })

    it('finds releases a page at a time, newest first, by state', async () => {
      const made = []
      for (let i = 0; i < 5; i++) made.push(await releases.create({ title: `R${i}` }))
      await releases.archive({ id: made[1]!.id })
      await releases.archive({ id: made[3]!.id })
      const newest = [...made].reverse().map((r) => r.id)
      const page = await releases.find({ limit: 2, page: 2 })
      expect(page).toMatchObject({ totalDocs: 5, limit: 2, page: 2, totalPages: 3 })
      expect(page.docs.map((r) => r.id)).toEqual(newest.slice(2, 4))
      const open = await releases.find({ state: ['active', 'scheduled'], limit: 100 })
      expect(open.docs.map((r) => r.id)).toEqual([made[4]!.id, made[2]!.id, made[0]!.id])
      expect(open.totalDocs).toBe(3)
      const archived = await releases.find({ state: 'archived', limit: 1 })
      expect(archived.docs.map((r) => r.id)).toEqual([made[3]!.id])
      expect(archived).toMatchObject({ totalDocs: 2, hasNextPage: true })
      expect(await releases.find({ state: 'published', limit: 0 })).toMatchObject({
        docs: [],
        totalDocs: 0,
      })
      expect((await releases.find()).docs).toHaveLength(5)
      // Repeated states count once.
      expect((await releases.find({ state: Array(6).fill('archived'), limit: 10 })).totalDocs).toBe(
        2,
      )
      // A store without findReleases (written before it) is paged from listReleases.
      const reads = g.config.storage.releases! as { findReleases?: unknown }
      const own = reads.findReleases
      const q = { state: ['active', 'scheduled'], limit: 2, page: 2 }
      const stored = await releases.find(q)
      expect(stored.docs.map((r) => r.id)).toEqual([made[0]!.id])
      reads.findReleases = undefined
      try {
        expect(await releases.find(q)).toEqual(stored)
      } finally {
        reads.findReleases = own
      }
      await expect(releases.find({ state: [] })).rejects.toThrow(/state must name 1 to 4/)
      await expect(releases.find({ state: 'open' })).rejects.toThrow(
        /"open" is not a release state/,
      )
      await expect(releases.find({ limit: 5000 })).rejects.toThrow(/limit must be between/)
    })

    it('stores a release record and lists its documents with changes and validation', async () => {
      const a = await post('A live', 'a')
      const b = await post('B draft', 'b', true)
      const r = await releases.create({ title: 'Spring', description: 'launch', type: 'undecided' })
      expect(r).toMatchObject({
        title: 'Spring',
        type: 'undecided',
        state: 'active',
        publishAt: null,
      })
      expect(r.id).toMatch(/^r[0-9a-z]{20}$/)
      await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'A spring' } })
      await g.update({ collection: 'posts', id: b.id, release: r.id, data: { title: '' } })
      expect((await releases.list()).map((x) => x.id)).toEqual([r.id])
      const got = await releases.get({ id: r.id })
      const docA = got.documents.find((d) => d.id === a.id)!
      expect(docA).toMatchObject({ collection: 'posts', action: 'publish', valid: true })
      expect(docA.changes).toEqual([{ field: 'title', published: 'A live', release: 'A spring' }])
      const docB = got.documents.find((d) => d.id === b.id)!
      expect(docB.valid).toBe(false)
      expect(docB.errors.map((e) => e.path)).toEqual(['title'])
      // The release's content is readable through the release perspective, nowhere else.
      expect((await g.findById({ collection: 'posts', id: a.id, perspective: r.id }))?.title).toBe(
        'A spring',
      )
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A live')
      const updated = await releases.update({ id: r.id, data: { title: 'Spring 2' } })
      expect(updated.title).toBe('Spring 2')
      await expect(releases.update({ id: r.id, data: { type: 'soon' } })).rejects.toThrow(
        /type must be one of/,
      )
      await expect(releases.get({ id: 'rnope' })).rejects.toMatchObject({ status: 404 })
    })

    it('publishes nothing when one document is invalid, and names document and field', async () => {
      const a = await post('A', 'a')
      const b = await post('B', 'b')
      const r = await releases.create({ title: 'R' })
      await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'A2' } })
      await g.update({ collection: 'posts', id: b.id, release: r.id, data: { title: '' } })
      const err = await releases.publish({ id: r.id }).catch((e) => e)
      expect(err).toBeInstanceOf(ReleasePublishError)
      expect(err.status).toBe(422)
      expect(err.fields).toEqual([{ path: `posts/${b.id}.title`, message: expect.any(String) }])
      expect(err.documents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: b.id, outcome: 'failed' }),
          expect.objectContaining({ id: a.id, outcome: 'not-run' }),
        ]),
      )
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A')
      expect((await releases.get({ id: r.id })).state).toBe('active')
    })

    it('publishes atomically: a unique clash late in the release rolls every document back', async () => {
      const a = await post('A', 'a')
      const b = await post('B', 'b')
      const c = await post('C', 'c')
      const r = await releases.create({ title: 'R' })
      await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'A2' } })
      await g.update({ collection: 'posts', id: b.id, release: r.id, data: { slug: 'c' } })
      const err = await releases.publish({ id: r.id }).catch((e) => e)
      expect(err).toBeInstanceOf(ReleasePublishError)
      expect(err.documents.find((d: { id: string }) => d.id === b.id)).toMatchObject({
        outcome: 'failed',
        errors: [{ path: 'slug' }],
      })
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A')
      expect((await g.findById({ collection: 'posts', id: c.id }))?.slug).toBe('c')
      // Nothing was taken out of the release either.
      expect((await releases.get({ id: r.id })).documents).toHaveLength(2)
    })

    it('publishes every document at once, keeps drafts, unpublishes, announces per document, reverts', async () => {
      const a = await post('A', 'a')
      const b = await post('B new', 'b', true)
      const c = await post('C', 'c')
      await g.update({ collection: 'posts', id: a.id, draft: true, data: { title: 'A draft' } })
      const r = await releases.create({ title: 'R' })
      await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'A release' } })
      await g.update({ collection: 'posts', id: b.id, release: r.id, data: { title: 'B release' } })
      await releases.addUnpublish({ id: r.id, collection: 'posts', docId: c.id })
      const events: string[] = []
      g.subscribe((e) => events.push(`${e.id}:${e.operation}:${e.published}`))
      const res = await releases.publish({ id: r.id })
      expect(res.release.state).toBe('published')
      expect(res.release.publishedAt).toEqual(expect.any(String))
      expect(res.documents.map((d) => d.outcome).sort()).toEqual([
        'published',
        'published',
        'unpublished',
      ])
      expect(events.sort()).toEqual(
        [`${a.id}:publish:true`, `${b.id}:publish:true`, `${c.id}:unpublish:true`].sort(),
      )
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A release')
      // The draft is a working copy of its own and stays.
      const aDraft = await g.findById({ collection: 'posts', id: a.id, draft: true })
      expect(aDraft).toMatchObject({ title: 'A draft', _status: 'changed' })
      expect((await g.findById({ collection: 'posts', id: b.id }))?.title).toBe('B release')
      expect(await g.findById({ collection: 'posts', id: c.id })).toBeNull()
      // The release variants are gone; a published release cannot publish again.
      expect(
        (await g.findById({ collection: 'posts', id: a.id, perspective: [r.id] }))?._variant,
      ).toBe('published')
      await expect(releases.publish({ id: r.id })).rejects.toMatchObject({ status: 409 })

      const after = await releases.get({ id: r.id })
      expect(after.documents.find((d) => d.id === a.id)).toMatchObject({
        before: expect.objectContaining({ title: 'A' }),
        changes: [{ field: 'title', published: 'A', release: 'A release' }],
      })
      const back = await releases.revert({ id: r.id })
      expect(back).toMatchObject({ state: 'active', revertOf: r.id })
      const plan = await releases.get({ id: back.id })
      expect(plan.documents.map((d) => `${d.id}:${d.action}`).sort()).toEqual(
        [`${a.id}:publish`, `${b.id}:unpublish`, `${c.id}:publish`].sort(),
      )
      // An archived published release can still be reverted.
      expect((await releases.archive({ id: r.id })).state).toBe('archived')
      await expect(releases.archive({ id: r.id })).rejects.toMatchObject({ status: 409 })
      await releases.publish({ id: back.id })
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A')
      expect(await g.findById({ collection: 'posts', id: b.id })).toBeNull()
      expect((await g.findById({ collection: 'posts', id: c.id }))?.title).toBe('C')
    })

    it('archives, deletes (dropping its variants) and refuses changes to closed releases', async () => {
      const a = await post('A', 'a')
      const r = await releases.create({ title: 'R' })
      await g.update({ collection: 'posts', id: a.id, release: r.id, data: { title: 'A2' } })
      const archived = await releases.archive({ id: r.id })
      expect(archived.state).toBe('archived')
      await expect(releases.publish({ id: r.id })).rejects.toMatchObject({ status: 409 })
      await expect(releases.update({ id: r.id, data: { title: 'x' } })).rejects.toMatchObject({
        status: 409,
      })
      await releases.delete({ id: r.id })
      expect(await releases.list()).toEqual([])
      const heads = await g.findById({ collection: 'posts', id: a.id, perspective: r.id })
      expect(heads?._variant).toBe('published')
    })

    it('creates a document inside a release: nobody sees it until the release is published', async () => {
      const r = await releases.create({ title: 'Launch' })
      const made = await g.create({
        collection: 'posts',
        data: { title: 'Brand new', slug: 'brand-new' },
        release: r.id,
      })
      expect(made).toMatchObject({ _variant: `release:${r.id}`, title: 'Brand new' })
      expect(await g.findById({ collection: 'posts', id: made.id })).toBeNull()
      expect(await g.findById({ collection: 'posts', id: made.id, draft: true })).toBeNull()
      expect((await g.find({ collection: 'posts', draft: true })).totalDocs).toBe(0)
      const seen = await g.findById({
        collection: 'posts',
        id: made.id,
        perspective: `${r.id},drafts`,
      })
      expect(seen?.title).toBe('Brand new')
      await g.update({
        collection: 'posts',
        id: made.id,
        release: r.id,
        data: { title: 'Brand new!' },
      })
      const doc = (await releases.get({ id: r.id })).documents[0]!
      expect(doc).toMatchObject({ id: made.id, published: null, valid: true })
      expect(doc.changes.map((c) => c.field).sort()).toEqual(['slug', 'title'])
      await releases.publish({ id: r.id })
      expect(await g.findById({ collection: 'posts', id: made.id })).toMatchObject({
        title: 'Brand new!',
        _status: 'published',
      })
      // Its revert unpublishes it again.
      const back = await releases.revert({ id: r.id })
      expect((await releases.get({ id: back.id })).documents[0]).toMatchObject({
        id: made.id,
        action: 'unpublish',
      })
    })

    it('a document that exists only in a release goes with it when taken out', async () => {
      const r = await releases.create({ title: 'Launch' })
      const a = await g.create({ collection: 'posts', data: { title: 'Only here' }, release: r.id })
      const b = await g.create({ collection: 'posts', data: { title: 'Also here' }, release: r.id })
      await expect(
        releases.addUnpublish({ id: r.id, collection: 'posts', docId: a.id }),
      ).rejects.toMatchObject({ status: 400 })
      await releases.removeDocument({ id: r.id, collection: 'posts', docId: a.id })
      // Its id is free again: nothing is left of it.
      await g.create({ collection: 'posts', id: a.id, data: { title: 'Reused id' } })
      await releases.delete({ id: r.id })
      await g.create({ collection: 'posts', id: b.id, data: { title: 'Reused too' } })
      expect((await g.find({ collection: 'posts' })).totalDocs).toBe(2)
    })

    it('keeps releases apart: publishing one leaves another release of the same document', async () => {
      const a = await post('A', 'a')
      const r1 = await releases.create({ title: 'One' })
      const r2 = await releases.create({ title: 'Two' })
      await g.update({ collection: 'posts', id: a.id, release: r1.id, data: { title: 'From one' } })
      await g.update({ collection: 'posts', id: a.id, release: r2.id, data: { title: 'From two' } })
      await releases.publish({ id: r1.id })
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('From one')
      const two = await g.findById({ collection: 'posts', id: a.id, perspective: r2.id })
      expect(two).toMatchObject({ title: 'From two', _variant: `release:${r2.id}` })
      expect((await releases.get({ id: r2.id })).documents.map((d) => d.id)).toEqual([a.id])
      await expect(releases.revert({ id: r2.id })).rejects.toMatchObject({ status: 422 })
    })

    it('refuses hostile or reserved release ids without touching anything', async () => {
      const a = await post('A', 'a')
      for (const id of [
        'drafts',
        'RAW',
        "r'; DROP TABLE galley_heads;--",
        'a,b',
        '',
        'x'.repeat(65),
      ])
        await expect(releases.create({ title: 't', id })).rejects.toMatchObject({ status: 400 })
      for (const id of ["r' OR '1'='1", '../x', 'r\u0000'])
        await expect(releases.get({ id })).rejects.toMatchObject({ status: 404 })
      await expect(
        g.update({ collection: 'posts', id: a.id, release: "a'b", data: { title: 'x' } }),
      ).rejects.toMatchObject({ status: 400 })
      await expect(
        g.publish({ collection: 'posts', id: a.id, release: 'drafts' }),
      ).rejects.toMatchObject({ status: 400 })
      await expect(
        g.publish({ collection: 'posts', id: a.id, release: 'rnothing' }),
      ).rejects.toMatchObject({ status: 404 })
      expect((await g.findById({ collection: 'posts', id: a.id }))?.title).toBe('A')
      expect(await releases.list()).toEqual([])
    })

    it('lets only callers who may read drafts see releases, and only writers change them', async () => {
      const gated = await makeGalley(store, {
        collections: [
          {
            slug: 'posts',
            versions: { drafts: true },
            access: {
              read: () => true,
              readDrafts: ({ user }) => (user as { role?: string } | null)?.role === 'editor',
              update: ({ user }) => (user as { role?: string } | null)?.role === 'editor',
              publish: ({ user }) => (user as { role?: string } | null)?.role === 'editor',
              create: () => true,
            },
            fields: [{ name: 'title', type: 'text', required: true }],
          },
        ],
      })
      try {
        const rel = new Releases(gated)
        const r = await rel.create({ title: 'Secret plan' })
        const doc = await gated.create({ collection: 'posts', data: { title: 'T' } })
        await gated.update({
          collection: 'posts',
          id: doc.id,
          release: r.id,
          data: { title: 'T2' },
        })
        const editor = { id: 'e', role: 'editor' }
        const viewer = { id: 'v', role: 'viewer' }
        expect((await rel.list({ user: editor })).length).toBe(1)
        for (const user of [null, viewer]) {
          await expect(rel.list({ user })).rejects.toMatchObject({ status: 403 })
          await expect(rel.get({ id: r.id, user })).rejects.toMatchObject({ status: 403 })
          await expect(rel.create({ title: 'x', user })).rejects.toMatchObject({ status: 403 })
          await expect(rel.publish({ id: r.id, user })).rejects.toMatchObject({ status: 403 })
          await expect(
            gated.findById({ collection: 'posts', id: doc.id, perspective: r.id, user }),
          ).rejects.toMatchObject({ status: 403 })
        }
        expect((await rel.get({ id: r.id, user: editor })).documents).toHaveLength(1)
        await rel.publish({ id: r.id, user: editor })
        expect((await gated.findById({ collection: 'posts', id: doc.id }))?.title).toBe('T2')
      } finally {
        await gated.close()
      }
    })
  })
}
