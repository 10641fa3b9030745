import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessFn, CollectionConfig } from '@galley/core'
import { SECRET, blogConfig, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

/**
 * The Payload drafts seed's two read rules, copied as written, on the blog's posts:
 * published `pub` and `pub2`, `changed` (published, with a newer draft holding SECRET) and
 * the never-published `draft`. Anonymous readers get every published document, also the
 * one with a newer draft, and never draft content, over the Local API, REST and GraphQL.
 */
const SEED_RULES: Record<string, AccessFn> = {
  equalsPublished: ({ req }) => {
    // If there is a user logged in,
    // let them retrieve all documents
    if (req.user) return true

    // If there is no user,
    // restrict the documents that are returned
    // to only those where `_status` is equal to `published`
    return {
      _status: {
        equals: 'published',
      },
    }
  },
  publishedOrMissing: ({ req }) => {
    // If there is a user logged in,
    // let them retrieve all documents
    if (req.user) return true

    // If there is no user,
    // restrict the documents that are returned
    // to only those where `_status` is equal to `published`
    // or where `_status` does not exist
    return {
      or: [
        {
          _status: {
            equals: 'published',
          },
        },
        {
          _status: {
            exists: false,
          },
        },
      ],
    }
  },
}

const blogCollections = blogConfig(undefined as never).collections ?? []

for (const store of STORES) {
  for (const [ruleName, read] of Object.entries(SEED_RULES)) {
    describe.skipIf(store.skip)(`the seed's read rule ${ruleName} (${store.name})`, () => {
      let blog: Blog
      let editor: { cookie: string }
      beforeAll(async () => {
        const collections: CollectionConfig[] = blogCollections.map((c) =>
          c.slug === 'posts' ? { ...c, access: { ...c.access, read } } : c,
        )
        blog = await setupBlog(store, {}, { collections })
        editor = await blog.login('editor@example.com')
      })
      afterAll(async () => {
        await blog?.close()
      })
      const ids = (docs: Array<{ id: string }>) => docs.map((d) => d.id).sort()

      it('Local API: anonymous readers get every published document, never a draft', async () => {
        const g = blog.galley
        const list = await g.find({ collection: 'posts', user: null, limit: 50 })
        expect(ids(list.docs)).toEqual(['changed', 'pub', 'pub2'])
        expect(JSON.stringify(list.docs)).not.toContain(SECRET)
        expect((await g.count({ collection: 'posts', user: null })).totalDocs).toBe(3)
        const changed = await g.findById({ collection: 'posts', id: 'changed', user: null })
        expect(changed).toMatchObject({ title: 'Changed Public', _variant: 'published' })
        expect(await g.findById({ collection: 'posts', id: 'draft', user: null })).toBeNull()
        // A signed-in user gets everything, drafts included.
        const all = await g.find({
          collection: 'posts',
          user: { id: 'u', role: 'editor' },
          draft: true,
        })
        expect(ids(all.docs)).toEqual(['changed', 'draft', 'pub', 'pub2'])
      })

      it('REST: the same for anonymous requests, lists and single documents', async () => {
        const list = await blog.req('GET', '/api/posts?limit=50')
        expect(list.status).toBe(200)
        expect(ids(list.json.docs)).toEqual(['changed', 'pub', 'pub2'])
        expect(list.text).not.toContain(SECRET)
        const changed = await blog.req('GET', '/api/posts/changed')
        expect(changed.status).toBe(200)
        expect(changed.json.title).toBe('Changed Public')
        expect((await blog.req('GET', '/api/posts/draft')).status).toBe(404)
        // Asking for drafts anonymously is still refused, whatever the read rule says.
        const drafts = await blog.req('GET', '/api/posts?draft=true')
        expect(drafts.status).toBeGreaterThanOrEqual(400)
        expect(drafts.text).not.toContain(SECRET)
        const signedIn = await blog.req('GET', '/api/posts?draft=true&limit=50', editor)
        expect(ids(signedIn.json.docs)).toEqual(['changed', 'draft', 'pub', 'pub2'])
      })

      it('GraphQL: the same for anonymous queries', async () => {
        const res = await blog.req('POST', '/api/graphql', {
          body: {
            query:
              '{ posts(limit: 50) { docs { id title } } changed: postsById(id: "changed") { title } draft: postsById(id: "draft") { id } }',
          },
        })
        expect(res.json.errors).toBeUndefined()
        expect(ids(res.json.data.posts.docs)).toEqual(['changed', 'pub', 'pub2'])
        expect(res.json.data.changed).toEqual({ title: 'Changed Public' })
        expect(res.json.data.draft).toBeNull()
        expect(res.text).not.toContain(SECRET)
      })
    })
  }

  describe.skipIf(store.skip)(`_status in where, per perspective (${store.name})`, () => {
    let blog: Blog
    let editor: { cookie: string }
    beforeAll(async () => {
      blog = await setupBlog(store)
      editor = await blog.login('editor@example.com')
    })
    afterAll(async () => {
      await blog?.close()
    })
    const rest = async (query: string) => {
      const res = await blog.req('GET', `/api/posts?limit=50&${query}`, editor)
      expect(res.status).toBe(200)
      return (res.json.docs as Array<{ id: string; _variant: string }>)
        .map((d) => `${d.id}:${d._variant}`)
        .sort()
    }

    it('published: every returned document is the published variant, so it matches published', async () => {
      expect(await rest('where[_status][equals]=published')).toEqual([
        'changed:published',
        'pub2:published',
        'pub:published',
      ])
      expect(await rest('where[_status][equals]=changed')).toEqual([])
      expect(await rest('where[_status][not_equals]=published')).toEqual([])
      // The document still shows its status.
      const changed = await blog.req('GET', '/api/posts/changed')
      expect(changed.json._status).toBe('changed')
    })

    it('drafts: matches the status shown', async () => {
      expect(await rest('draft=true&where[_status][equals]=published')).toEqual([
        'pub2:published',
        'pub:published',
      ])
      expect(await rest('draft=true&where[_status][equals]=changed')).toEqual(['changed:draft'])
      expect(await rest('draft=true&where[_status][equals]=draft')).toEqual(['draft:draft'])
      expect(await rest('draft=true&where[_status][in]=draft,changed')).toEqual([
        'changed:draft',
        'draft:draft',
      ])
      const shown = await blog.req('GET', '/api/posts?draft=true&limit=50', editor)
      for (const d of shown.json.docs)
        expect(
          await rest(`draft=true&where[_status][equals]=${d._status}&where[id][equals]=${d.id}`),
        ).toEqual([`${d.id}:${d._variant}`])
    })

    it('raw: each variant by its own content', async () => {
      expect(await rest('perspective=raw&where[_status][equals]=published')).toEqual([
        'changed:published',
        'pub2:published',
        'pub:published',
      ])
      expect(await rest('perspective=raw&where[_status][equals]=changed')).toEqual([
        'changed:draft',
      ])
      expect(await rest('perspective=raw&where[_status][equals]=draft')).toEqual(['draft:draft'])
    })

    it('a status that does not exist is a 400 that lists the three', async () => {
      const res = await blog.req('GET', '/api/posts?where[_status][equals]=live')
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('QUERY_INVALID')
      expect(res.json.error.message).toContain('where._status.equals')
      expect(res.json.error.message).toContain('draft, published, changed')
    })
  })
}
