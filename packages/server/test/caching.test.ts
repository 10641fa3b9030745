import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog, type Res } from './helpers/blog'
import { STORES } from './helpers/stores'

const PUBLIC = 'public, s-maxage=60, stale-while-revalidate=600'

function expectPrivate(res: Res, what: string) {
  expect(res.headers.get('cache-control'), what).toBe('private, no-store')
  expect(res.headers.get('vary'), what).toContain('Authorization')
  expect(res.headers.get('vary'), what).toContain('Cookie')
  expect(res.headers.get('etag'), what).toBeNull()
  expect(res.headers.get('cache-tag'), what).toBeNull()
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`caching headers (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('published list: public Cache-Control, ETag, Cache-Tag with the collection and every id', async () => {
      const res = await blog.req('GET', '/api/posts')
      expect(res.headers.get('cache-control')).toBe(PUBLIC)
      expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/)
      const tags = res.headers.get('cache-tag')!.split(',')
      expect(tags).toContain('posts')
      expect(tags.filter((t) => t.startsWith('posts:')).sort()).toEqual([
        'posts:changed',
        'posts:pub',
        'posts:pub2',
      ])
    })

    it('published document and global carry their own tags; populated relations add theirs', async () => {
      expect((await blog.req('GET', '/api/posts/pub')).headers.get('cache-tag')).toBe('posts:pub')
      const deep = await blog.req('GET', '/api/posts/pub?depth=1')
      expect(deep.headers.get('cache-tag')!.split(',').sort()).toEqual([
        'authors',
        'authors:ada',
        'posts:pub',
      ])
      expect((await blog.req('GET', '/api/globals/settings')).headers.get('cache-tag')).toBe(
        'globals:settings',
      )
    })

    it('the ETag is a hash of the body: same body same tag, 304 on If-None-Match', async () => {
      const a = await blog.req('GET', '/api/posts/pub')
      const b = await blog.req('GET', '/api/posts/pub')
      expect(a.headers.get('etag')).toBe(b.headers.get('etag'))
      const other = await blog.req('GET', '/api/posts/pub2')
      expect(other.headers.get('etag')).not.toBe(a.headers.get('etag'))
      const etag = a.headers.get('etag')!
      for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
        const hit = await blog.req('GET', '/api/posts/pub', { headers: { 'If-None-Match': inm } })
        expect(hit.status, inm).toBe(304)
        expect(hit.text).toBe('')
        expect(hit.headers.get('etag')).toBe(etag)
        expect(hit.headers.get('cache-control')).toBe(PUBLIC)
      }
      expect(
        (await blog.req('GET', '/api/posts/pub', { headers: { 'If-None-Match': '"stale"' } }))
          .status,
      ).toBe(200)
      const list = await blog.req('GET', '/api/posts')
      expect(
        (
          await blog.req('GET', '/api/posts', {
            headers: { 'If-None-Match': list.headers.get('etag')! },
          })
        ).status,
      ).toBe(304)
    })

    it('a read:published token is anonymous-equivalent and gets the public response', async () => {
      const res = await blog.req('GET', '/api/posts/pub', { token: blog.tokens.published })
      expect(res.headers.get('cache-control')).toBe(PUBLIC)
    })

    it('every draft or perspective read is private, no-store with Vary', async () => {
      const t = blog.tokens.drafts
      expectPrivate(await blog.req('GET', '/api/posts?draft=true', { token: t }), 'list draft')
      expectPrivate(
        await blog.req('GET', '/api/posts?perspective=drafts', { token: t }),
        'list drafts',
      )
      expectPrivate(await blog.req('GET', '/api/posts?perspective=raw', { token: t }), 'raw')
      expectPrivate(
        await blog.req('GET', '/api/posts?perspective=spring,drafts', { token: t }),
        'stack',
      )
      expectPrivate(await blog.req('GET', '/api/posts/pub?draft=true', { token: t }), 'doc draft')
      expectPrivate(
        await blog.req('GET', '/api/globals/settings?draft=true', { token: t }),
        'global draft',
      )
      expectPrivate(await blog.req('GET', '/api/posts/pub/revisions', { token: t }), 'revisions')
    })

    it('published reads by a signed-in caller (viewer token, session) are private too', async () => {
      expectPrivate(
        await blog.req('GET', '/api/posts', { token: blog.tokens.drafts }),
        'viewer token',
      )
      const { cookie } = await blog.login('viewer@example.com')
      expectPrivate(await blog.req('GET', '/api/posts/pub', { cookie }), 'session')
    })

    it('write responses and errors are private, no-store', async () => {
      const w = blog.tokens.write
      const created = await blog.req('POST', '/api/posts', {
        token: w,
        body: { title: 'Cache write' },
      })
      expectPrivate(created, 'create')
      expectPrivate(
        await blog.req('PATCH', `/api/posts/${created.json.id}`, {
          token: w,
          body: { title: 'x' },
        }),
        'update',
      )
      expectPrivate(
        await blog.req('POST', `/api/posts/${created.json.id}/unpublish`, { token: w }),
        'unpublish',
      )
      expectPrivate(
        await blog.req('DELETE', `/api/posts/${created.json.id}`, { token: w }),
        'delete',
      )
      expectPrivate(await blog.req('GET', '/api/posts/missing'), '404')
      expectPrivate(await blog.req('GET', '/api/posts?draft=true'), '401')
      expectPrivate(
        await blog.req('POST', '/api/graphql', { body: { query: '{ posts { totalDocs } }' } }),
        'graphql',
      )
    })
  })
}

describe.skipIf(STORES[0]!.skip)('caching options', () => {
  it('publicCacheControl and cacheTagHeader are configurable', async () => {
    const blog = await setupBlog(STORES[0]!, {
      publicCacheControl: 'public, max-age=5',
      cacheTagHeader: 'Surrogate-Key',
    })
    try {
      const res = await blog.req('GET', '/api/posts/pub')
      expect(res.headers.get('cache-control')).toBe('public, max-age=5')
      expect(res.headers.get('surrogate-key')).toBe('posts:pub')
      expect(res.headers.get('cache-tag')).toBeNull()
    } finally {
      await blog.close()
    }
  })

  it('a tag header past maxCacheTagLength falls back to collection tags', async () => {
    const blog = await setupBlog(STORES[0]!, { maxCacheTagLength: 20 })
    try {
      expect(
        (await blog.req('GET', '/api/posts?depth=1')).headers.get('cache-tag')!.split(',').sort(),
      ).toEqual(['authors', 'posts'])
      // A read by id keeps its own collection's tag: a change to the post purges it.
      expect(
        (await blog.req('GET', '/api/posts/pub?depth=1')).headers
          .get('cache-tag')!
          .split(',')
          .sort(),
      ).toEqual(['authors', 'posts'])
    } finally {
      await blog.close()
    }
  })
})

describe.skipIf(STORES[0]!.skip)('cache tags of globals', () => {
  it('attack: a global with a populated relation is tagged with the related document too', async () => {
    const blog = await setupBlog(
      STORES[0]!,
      {},
      {
        globals: [
          {
            slug: 'settings',
            versions: { drafts: true },
            fields: [
              { name: 'siteName', type: 'text', required: true },
              { name: 'tagline', type: 'text' },
              { name: 'editor', type: 'relationship', relationTo: 'authors' },
              {
                name: 'footer',
                type: 'group',
                fields: [{ name: 'credit', type: 'relationship', relationTo: 'authors' }],
              },
            ],
          },
        ],
      },
    )
    try {
      await blog.galley.updateGlobal({
        slug: 'settings',
        data: { siteName: 'Public Site', editor: 'ada', footer: { credit: 'ada' } },
      })
      const flat = await blog.req('GET', '/api/globals/settings')
      expect(flat.headers.get('cache-tag')).toBe('globals:settings')
      const deep = await blog.req('GET', '/api/globals/settings?depth=1')
      expect(deep.json.editor).toMatchObject({ id: 'ada', name: 'Ada Lovelace' })
      // Renaming Ada purges `authors:ada`: the cached global that shows her name must go too.
      expect(deep.headers.get('cache-tag')!.split(',').sort()).toEqual([
        'authors',
        'authors:ada',
        'globals:settings',
      ])
    } finally {
      await blog.close()
    }
  })
})
