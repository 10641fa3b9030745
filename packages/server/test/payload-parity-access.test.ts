import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AccessArgs, CollectionConfig, Galley } from '@galley/core'
import { STORES, dropTestSchemas, makeGalley } from '../../sql/test/stores'

afterAll(dropTestSchemas)

/** Access rules receive `req` with `req.user`, as Payload's do, so the seed's rules port as written. */
for (const store of STORES) {
  describe(`access rules get req [${store.name}]`, () => {
    let g: Galley
    const seen: AccessArgs[] = []
    const pages: CollectionConfig = {
      slug: 'pages',
      versions: { drafts: true },
      fields: [{ name: 'title', type: 'text' }],
      access: {
        // The Payload drafts seed's read rule, verbatim.
        read: ({ req }) => {
          if (req.user) return true

          return {
            _status: {
              equals: 'published',
            },
          }
        },
        readDrafts: (args) => {
          seen.push(args)
          return !!args.req.user
        },
      },
    }
    beforeEach(async () => {
      seen.length = 0
      g = await makeGalley(store, { collections: [pages], globals: [] })
    })
    afterEach(() => g.close())

    it('passes req.user (the same as user) to every rule', async () => {
      const editor = { id: 'u1', role: 'editor' }
      await g.create({ collection: 'pages', data: { title: 'Draft' }, draft: true })
      await g.find({ collection: 'pages', draft: true, user: editor })
      await expect(g.find({ collection: 'pages', draft: true, user: null })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
      expect(seen.map((a) => [a.operation, a.user, a.req.user])).toEqual([
        ['readDrafts', editor, editor],
        ['readDrafts', null, null],
      ])
    })

    it("the seed's read rule gives anonymous readers published pages, never a draft", async () => {
      const live = await g.create({ collection: 'pages', data: { title: 'Live' } })
      const draft = await g.create({ collection: 'pages', data: { title: 'Hidden' }, draft: true })
      const anon = await g.find({ collection: 'pages', user: null })
      expect(anon.docs.map((d) => d.title)).toEqual(['Live'])
      expect(await g.findById({ collection: 'pages', id: draft.id, user: null })).toBeNull()
      expect(await g.findById({ collection: 'pages', id: live.id, user: null })).toMatchObject({
        title: 'Live',
      })
      const signedIn = await g.find({ collection: 'pages', draft: true, user: { id: 'u1' } })
      expect(signedIn.totalDocs).toBe(2)
    })
  })
}
