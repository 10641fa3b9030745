import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { sseReader } from './helpers/sse'
import { STORES } from './helpers/stores'

/** A write an editor (or an attacker with a write token) could make. */
type Op =
  | { op: 'createDraft' | 'create' | 'saveDraft' | 'autosave' | 'update'; doc: number }
  | { op: 'publish' | 'unpublish' | 'discard' | 'delete'; doc: number }

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom(
    'createDraft',
    'create',
    'saveDraft',
    'autosave',
    'update',
    'publish',
    'unpublish',
    'discard',
    'delete',
  ),
  doc: fc.integer({ min: 0, max: 3 }),
})

// Property, on both stores: whatever sequence of writes happens, an anonymous listener
// hears only published changes, never a status or revision of a draft, never content, and
// never the id of a document that was not public when its change was delivered.
for (const store of STORES) {
  describe.skipIf(store.skip)(`live events never tell the public of drafts (${store.name})`, () => {
    let blog: Blog
    let round = 0
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('random writes: anonymous listeners hear only what they could read', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
          const prefix = `p${round++}-`
          const res = await blog.server.app.request('http://localhost/api/events')
          const anon = sseReader(res.body!)
          await anon.next() // ready
          const drafts = sseReader(
            (
              await blog.server.app.request('http://localhost/api/events', {
                headers: { authorization: `Bearer ${blog.tokens.drafts}` },
              })
            ).body!,
          )
          await drafts.next()
          const everPublic = new Set<string>()
          const g = blog.galley
          for (const { op, doc } of ops) {
            const id = `${prefix}${doc}`
            const data = { title: `${SECRET} ${op}`, slug: id }
            try {
              if (op === 'createDraft')
                await g.create({ collection: 'posts', id, data, draft: true })
              else if (op === 'create')
                await g.create({ collection: 'posts', id, data: { ...data, title: 'Public' } })
              else if (op === 'saveDraft')
                await g.update({ collection: 'posts', id, data, draft: true })
              else if (op === 'autosave')
                await g.update({ collection: 'posts', id, data, draft: true, autosave: true })
              else if (op === 'update')
                await g.update({ collection: 'posts', id, data: { title: 'Public' } })
              else if (op === 'publish') await g.publish({ collection: 'posts', id })
              else if (op === 'unpublish') await g.unpublish({ collection: 'posts', id })
              else if (op === 'discard') await g.discardDraft({ collection: 'posts', id })
              else await g.delete({ collection: 'posts', id })
            } catch {
              continue // not found, nothing to publish…: nothing committed
            }
            const pub = await g.findById({ collection: 'posts', id, perspective: 'published' })
            if (pub) everPublic.add(id)
          }
          const heard = await anon.drain(250)
          const all = await drafts.drain(50)
          anon.close()
          drafts.close()
          const text = JSON.stringify(heard)
          expect(text).not.toContain(SECRET)
          for (const e of heard) {
            expect(e.data.published).toBe(true)
            expect([null, 'published']).toContain(e.data.status)
            expect(everPublic.has(e.data.id), `${e.data.id} was never public`).toBe(true)
          }
          // The drafts reader hears at least as much, and never content either.
          expect(all.length).toBeGreaterThanOrEqual(heard.length)
          expect(JSON.stringify(all)).not.toContain(SECRET)
        }),
        { numRuns: Number(process.env.GALLEY_FUZZ_RUNS ?? 15) },
      )
    }, 120_000)
  })
}
