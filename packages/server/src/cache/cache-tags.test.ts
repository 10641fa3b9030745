import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { tagsOfDocs } from './cache-tags'

// A document a page holds twice, first nested with less depth left (p1's related post p2),
// then as itself (p2 in the list): the relations only the second copy populated (p2's
// author's org) are on the page, so their tags must be too, or publishing the org purges
// nothing that serves it.
describe('tagsOfDocs', () => {
  let galley: Galley
  beforeAll(async () => {
    galley = await createGalley(
      defineConfig({
        storage: sqlite({ file: ':memory:' }),
        defaultDepth: 0,
        collections: [
          { slug: 'orgs', fields: [{ name: 'name', type: 'text' }] },
          {
            slug: 'authors',
            fields: [
              { name: 'name', type: 'text' },
              { name: 'org', type: 'relationship', relationTo: 'orgs' },
            ],
          },
          {
            slug: 'posts',
            fields: [
              { name: 'title', type: 'text' },
              { name: 'related', type: 'relationship', relationTo: 'posts' },
              { name: 'author', type: 'relationship', relationTo: 'authors' },
            ],
          },
        ],
      }),
    )
    await galley.create({ collection: 'orgs', id: 'o1', data: { name: 'Org One' } })
    await galley.create({ collection: 'authors', id: 'a1', data: { name: 'A', org: 'o1' } })
    await galley.create({ collection: 'posts', id: 'p2', data: { title: 'P2', author: 'a1' } })
    await galley.create({ collection: 'posts', id: 'p1', data: { title: 'P1', related: 'p2' } })
  })
  afterAll(() => galley?.close())

  it('tags what a deeper copy of a document populated, whichever copy comes first', async () => {
    for (const sort of ['-createdAt', 'createdAt']) {
      const { docs } = await galley.find({ collection: 'posts', depth: 2, sort })
      const p2 = docs.find((d) => d.id === 'p2') as unknown as { author: { org: { name: string } } }
      expect(p2.author.org.name).toBe('Org One')
      expect(tagsOfDocs(galley, 'posts', docs, true, 2).sort()).toEqual([
        'authors',
        'authors:a1',
        'orgs',
        'orgs:o1',
        'posts',
        'posts:p1',
        'posts:p2',
      ])
    }
  })

  it('ends on a cycle of documents that refer to each other', async () => {
    await galley.update({ collection: 'posts', id: 'p2', data: { related: 'p1' } })
    const { docs } = await galley.find({ collection: 'posts', depth: 5 })
    expect(tagsOfDocs(galley, 'posts', docs, true, 5)).toContain('orgs:o1')
  })
})
