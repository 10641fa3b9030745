import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StorageAdapter } from '@galley/core'
import { blogConfig, SECRET, setupBlog, type Blog } from '../../test/helpers/blog'
import { STORES } from '../../test/helpers/stores'

/** The test blog with `preview` functions: posts by slug, settings at the home page. */
function withPreview() {
  const base = blogConfig({} as StorageAdapter)
  return {
    collections: base.collections!.map((c) =>
      c.slug === 'posts'
        ? {
            ...c,
            preview: ({ doc }: { doc: Record<string, unknown> }) =>
              doc.slug ? `/posts/${doc.slug}` : null,
          }
        : c.slug === 'authors'
          ? { ...c, preview: () => 'https://evil.example/' }
          : c,
    ),
    globals: base.globals!.map((g) => ({ ...g, preview: async () => '/?from=settings' })),
  }
}

for (const store of STORES) {
  describe(`GET /api/schema/preview-path (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(
        store,
        { preview: { url: 'http://site.test/api/draft' } },
        withPreview(),
      )
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('gives the draft’s frontend path to a signed-in editor, and the schema says preview works', async () => {
      const { cookie, csrf } = await blog.login('editor@example.com')
      const patched = await blog.req('PATCH', '/api/posts/changed?draft=true', {
        cookie,
        csrf,
        body: { slug: 'changed-draft-slug' },
      })
      expect(patched.status).toBe(200)
      const res = await blog.req('GET', '/api/schema/preview-path?collection=posts&id=changed', {
        cookie,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('private, no-store')
      // The draft's slug, not the published one.
      expect(res.json).toEqual({ pathname: '/posts/changed-draft-slug' })
      const global = await blog.req('GET', '/api/schema/preview-path?global=settings', { cookie })
      expect(global.json).toEqual({ pathname: '/?from=settings' })
      const schema = await blog.req('GET', '/api/schema', { cookie })
      expect(schema.json.previewUrl).toBe(true)
      const posts = schema.json.collections.find((c: { slug: string }) => c.slug === 'posts')
      expect(posts.preview).toBe(true)
      const users = schema.json.collections.find((c: { slug: string }) => c.slug === 'users')
      expect(users.preview).toBe(false)
    })

    it('refuses anonymous callers, and never computes the path of a document the caller cannot read', async () => {
      const anon = await blog.req('GET', '/api/schema/preview-path?collection=posts&id=changed')
      expect(anon.status).toBe(401)
      const published = await blog.req(
        'GET',
        '/api/schema/preview-path?collection=posts&id=draft',
        {
          token: blog.tokens.published,
        },
      )
      expect(published.status).toBe(401)
      const { cookie } = await blog.login('editor@example.com')
      const missing = await blog.req('GET', '/api/schema/preview-path?collection=posts&id=nope', {
        cookie,
      })
      expect(missing.status).toBe(404)
      expect(missing.text).not.toContain(SECRET)
    })

    it('names what is wrong with a bad request or a preview function giving a full URL', async () => {
      const { cookie } = await blog.login('editor@example.com')
      const both = await blog.req(
        'GET',
        '/api/schema/preview-path?collection=posts&global=settings',
        {
          cookie,
        },
      )
      expect(both.status).toBe(400)
      expect(both.json.error.message).toMatch(/either 'collection' and 'id', or 'global'/)
      const noId = await blog.req('GET', '/api/schema/preview-path?collection=posts', { cookie })
      expect(noId.status).toBe(400)
      const extra = await blog.req('GET', '/api/schema/preview-path?global=settings&x=1', {
        cookie,
      })
      expect(extra.status).toBe(400)
      const unknown = await blog.req(
        'GET',
        '/api/schema/preview-path?collection=galley-tokens&id=a',
        {
          cookie,
        },
      )
      expect(unknown.status).toBe(404)
      const evil = await blog.req('GET', '/api/schema/preview-path?collection=authors&id=ada', {
        cookie,
      })
      expect(evil.status).toBe(400)
      expect(evil.json.error.message).toMatch(/must return a path starting with one '\/'/)
    })
  })
}
