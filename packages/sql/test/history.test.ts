import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley, posts } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`revision history [${store.name}]`, () => {
    let g: Galley
    beforeEach(async () => {
      g = await makeGalley(store, {
        collections: [
          { ...posts, slug: 'posts', versions: { drafts: { autosave: true }, maxPerDoc: 5 } },
          { slug: 'authors', fields: [{ name: 'name', type: 'text' }] },
        ],
      })
    })
    afterEach(() => g.close())

    const alice = { id: 'alice' }
    const bob = { id: 'bob' }

    it('coalesces consecutive autosaves of one author into one revision', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'start' } })
      for (let i = 0; i < 4; i++) {
        await g.update({
          collection: 'posts',
          id: p.id,
          data: { title: `typing ${i}` },
          autosave: true,
          user: alice,
          overrideAccess: true,
        })
      }
      let revs = (await g.listRevisions({ collection: 'posts', id: p.id })).docs
      expect(revs.map((r) => `${r.action}:${r.author}`)).toEqual(['autosave:alice', 'create:null'])
      expect(revs[0]!.data?.title).toBe('typing 3')

      // another author starts a new autosave revision
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'bob typing' },
        autosave: true,
        user: bob,
        overrideAccess: true,
      })
      // a manual save starts a new one, and the next autosave does not merge into it
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'saved' },
        draft: true,
        user: alice,
        overrideAccess: true,
      })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'typing again' },
        autosave: true,
        user: alice,
        overrideAccess: true,
      })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'typing more' },
        autosave: true,
        user: alice,
        overrideAccess: true,
      })
      revs = (await g.listRevisions({ collection: 'posts', id: p.id })).docs
      expect(revs.map((r) => `${r.action}:${r.author}`)).toEqual([
        'autosave:alice',
        'update:alice',
        'autosave:bob',
        'autosave:alice',
        'create:null',
      ])
      // publishing starts a new revision too
      await g.publish({ collection: 'posts', id: p.id })
      await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'after publish' },
        autosave: true,
        user: alice,
        overrideAccess: true,
      })
      revs = (await g.listRevisions({ collection: 'posts', id: p.id, limit: 2 })).docs
      expect(revs.map((r) => r.action)).toEqual(['autosave', 'publish'])
    })

    it('a coalesced autosave gets a new revision id, so a stale ifRevision still conflicts', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'start' } })
      const a1 = await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'a1' },
        autosave: true,
        user: alice,
        overrideAccess: true,
      })
      const a2 = await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'a2' },
        autosave: true,
        user: alice,
        overrideAccess: true,
        ifRevision: a1._rev,
      })
      expect(a2._rev).not.toBe(a1._rev)
      await expect(
        g.update({
          collection: 'posts',
          id: p.id,
          data: { title: 'x' },
          draft: true,
          ifRevision: a1._rev,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT', currentRevision: a2._rev })
    })

    it('prunes the oldest revisions beyond maxPerDoc but never one behind a live variant', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'published v0' } })
      for (let i = 1; i <= 8; i++)
        await g.update({
          collection: 'posts',
          id: p.id,
          data: { title: `draft ${i}` },
          draft: true,
        })
      const revs = (await g.listRevisions({ collection: 'posts', id: p.id, limit: 100 })).docs
      expect(revs).toHaveLength(5)
      // the published head's revision (the oldest) survives; the newest draft is there
      expect(revs.at(-1)!.data?.title).toBe('published v0')
      expect(revs[0]!.data?.title).toBe('draft 8')
      expect((await g.findById({ collection: 'posts', id: p.id }))?.title).toBe('published v0')
      // restoring works with what is left
      const restored = await g.restoreRevision({
        collection: 'posts',
        id: p.id,
        revisionId: revs.at(-1)!.id,
        draft: false,
      })
      expect(restored.title).toBe('published v0')
    })

    it('rejects a stale ifRevision with the current revision and changes nothing', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'one' } })
      const next = await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'two' },
        draft: true,
        ifRevision: p._rev,
      })
      for (const op of [
        () =>
          g.update({
            collection: 'posts',
            id: p.id,
            data: { title: 'lost' },
            draft: true,
            ifRevision: p._rev,
          }),
        () => g.publish({ collection: 'posts', id: p.id, ifRevision: p._rev }),
        () => g.unpublish({ collection: 'posts', id: p.id, ifRevision: p._rev }),
        () => g.discardDraft({ collection: 'posts', id: p.id, ifRevision: p._rev }),
        () => g.delete({ collection: 'posts', id: p.id, ifRevision: p._rev }),
      ]) {
        await expect(op()).rejects.toMatchObject({
          code: 'CONFLICT',
          status: 409,
          currentRevision: next._rev,
        })
      }
      expect((await g.findById({ collection: 'posts', id: p.id, draft: true }))?.title).toBe('two')
      expect((await g.listRevisions({ collection: 'posts', id: p.id })).totalDocs).toBe(2)
    })

    it('accepts the _rev a drafts read returns after a discard, and reports it on conflict', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'one' } })
      await g.update({ collection: 'posts', id: p.id, data: { title: 'draft' }, draft: true })
      const back = await g.discardDraft({ collection: 'posts', id: p.id })
      const read = await g.findById({ collection: 'posts', id: p.id, draft: true })
      expect(read?._rev).toBe(back._rev)
      await expect(
        g.update({ collection: 'posts', id: p.id, data: { title: 'x' }, ifRevision: 'stale' }),
      ).rejects.toMatchObject({ currentRevision: read?._rev })
      const next = await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'after discard' },
        draft: true,
        ifRevision: read!._rev,
      })
      expect(next.title).toBe('after discard')
    })

    it('keeps revision ids growing even after a revision from a server whose clock ran ahead', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'one' } })
      const ahead = 'zzzzzzzzzz0000abcdef' // a revision written by a server far in the future
      await g.config.storage.transaction((tx) =>
        tx.insertRevision({
          id: ahead,
          collection: 'posts',
          docId: p.id,
          variant: 'draft',
          action: 'update',
          data: { title: 'from the future' },
          author: null,
          autosave: false,
          createdAt: new Date().toISOString(),
        }),
      )
      const next = await g.update({
        collection: 'posts',
        id: p.id,
        data: { title: 'now' },
        draft: true,
        ifRevision: ahead,
      })
      expect(next._rev > ahead).toBe(true)
      // the future revision no longer counts as current
      await expect(
        g.update({
          collection: 'posts',
          id: p.id,
          data: { title: 'lost' },
          draft: true,
          ifRevision: ahead,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' })
      expect((await g.listRevisions({ collection: 'posts', id: p.id })).docs[0]!.id).toBe(next._rev)
    })

    it('concurrent writers: every success is in the history, every loser got a conflict', async () => {
      const p = await g.create({ collection: 'posts', data: { title: 'start' } })
      const attempts = 24
      const results = await Promise.allSettled(
        Array.from({ length: attempts }, (_, i) =>
          g.update({
            collection: 'posts',
            id: p.id,
            data: { title: `writer ${i}` },
            draft: true,
            ifRevision: p._rev,
          }),
        ),
      )
      const wins = results.filter((r) => r.status === 'fulfilled')
      const losses = results.filter((r) => r.status === 'rejected')
      expect(wins).toHaveLength(1)
      for (const l of losses)
        expect((l as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' })

      // without ifRevision every write lands, serialised, and none vanishes
      const big = await makeGalley(store, {
        collections: [
          { ...posts, versions: { drafts: true, maxPerDoc: 1000 } },
          { slug: 'authors', fields: [{ name: 'name', type: 'text' }] },
        ],
      })
      try {
        const q = await big.create({ collection: 'posts', data: { title: 'start' } })
        const many = await Promise.allSettled(
          Array.from({ length: attempts }, (_, i) =>
            big.update({ collection: 'posts', id: q.id, data: { title: `w${i}` }, draft: true }),
          ),
        )
        const ok = many.filter(
          (r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof big.update>>> =>
            r.status === 'fulfilled',
        )
        expect(ok).toHaveLength(attempts)
        const history = (await big.listRevisions({ collection: 'posts', id: q.id, limit: 1000 }))
          .docs
        const revIds = new Set(history.map((r) => r.id))
        for (const r of ok) expect(revIds.has(r.value._rev)).toBe(true)
        expect(history).toHaveLength(attempts + 1)
        // the head is the newest revision
        expect((await big.findById({ collection: 'posts', id: q.id, draft: true }))?._rev).toBe(
          history[0]!.id,
        )
      } finally {
        await big.close()
      }
    })
  })
}
