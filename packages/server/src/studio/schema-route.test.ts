import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { blogConfig, setupBlog, type Blog } from '../../test/helpers/blog'
import { STORES } from '../../test/helpers/stores'
import { createServer } from '../create-server'
import { withAuth } from '../auth/with-auth'
import { labelOf } from './describe-schema'

/** Appears only inside function bodies of the config: the schema must never contain it. */
const MARKER = 'hook_source_marker_7f3a'

describe('GET /api/schema', () => {
  let blog: Blog
  beforeAll(async () => {
    blog = await setupBlog(
      STORES[0]!,
      {},
      {
        globals: [
          {
            slug: 'settings',
            label: 'Site settings',
            versions: { drafts: true },
            access: { update: () => MARKER.length === 0 },
            hooks: { beforeChange: ({ data }) => (MARKER.length > 0 ? data : { ...data }) },
            fields: [
              {
                name: 'siteName',
                type: 'text',
                required: true,
                validate: (v) => (v === MARKER ? 'no' : true),
              },
              { name: 'tagline', type: 'text' },
            ],
          },
        ],
      },
    )
  })
  afterAll(async () => {
    await blog?.close()
  })

  it('answers 401 to anonymous callers and to published-only tokens', async () => {
    const anon = await blog.req('GET', '/api/schema')
    expect(anon.status).toBe(401)
    expect(anon.json.error.code).toBe('UNAUTHORIZED')
    expect(anon.text).not.toContain('posts')
    const published = await blog.req('GET', '/api/schema', { token: blog.tokens.published })
    expect(published.status).toBe(401)
  })

  it('describes collections, fields, versions and an editor’s permissions', async () => {
    const { cookie } = await blog.login('editor@example.com')
    const res = await blog.req('GET', '/api/schema', { cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const slugs = res.json.collections.map((c: { slug: string }) => c.slug)
    expect(slugs).toEqual(['authors', 'posts', 'users'])
    const posts = res.json.collections[1]
    expect(posts).toMatchObject({
      labels: { singular: 'Posts', plural: 'Posts' },
      useAsTitle: 'title',
      versions: { drafts: true, autosave: true, autosaveInterval: 800, maxPerDoc: 100 },
      permissions: {
        read: true,
        readDrafts: true,
        create: true,
        update: true,
        publish: true,
        delete: true,
      },
    })
    const field = (name: string) => posts.fields.find((f: { name: string }) => f.name === name)
    expect(field('title')).toEqual({
      name: 'title',
      type: 'text',
      label: 'Title',
      required: true,
      maxLength: 200,
    })
    expect(field('views')).toMatchObject({ type: 'number', min: 0, required: false })
    expect(field('tags')).toMatchObject({
      hasMany: true,
      options: [
        { label: 'news', value: 'news' },
        { label: 'guides', value: 'guides' },
      ],
    })
    expect(field('author')).toMatchObject({ relationTo: 'authors', hasMany: false })
    expect(field('seo').fields).toEqual([
      { name: 'title', type: 'text', label: 'Title', required: false },
    ])
    expect(res.json.globals).toMatchObject([
      { slug: 'settings', label: 'Site settings', versions: { drafts: true, autosave: false } },
    ])
    expect(res.json.globals[0].permissions.update).toBe(false)
    expect(res.json.user).toMatchObject({ email: 'editor@example.com', role: 'editor' })
    // Users: an editor reads only their own record and changes nothing.
    expect(res.json.collections[2].permissions).toEqual({
      read: true,
      readDrafts: true,
      create: false,
      update: false,
      publish: false,
      delete: false,
    })
  })

  it('tells a viewer and a read:drafts token that they may not write', async () => {
    const { cookie } = await blog.login('viewer@example.com')
    for (const auth of [{ cookie }, { token: blog.tokens.drafts }]) {
      const res = await blog.req('GET', '/api/schema', auth)
      expect(res.status).toBe(200)
      const posts = res.json.collections.find((c: { slug: string }) => c.slug === 'posts')
      expect(posts.permissions).toEqual({
        read: true,
        readDrafts: true,
        create: false,
        update: false,
        publish: false,
        delete: false,
      })
    }
    const write = await blog.req('GET', '/api/schema', { token: blog.tokens.write })
    expect(write.json.collections[1].permissions.publish).toBe(true)
  })

  it('never contains hooks, access rules, validators or the server’s own collections', async () => {
    const { cookie } = await blog.login('admin@example.com')
    const res = await blog.req('GET', '/api/schema', { cookie })
    expect(res.status).toBe(200)
    expect(res.text).not.toContain(MARKER)
    expect(res.text).not.toMatch(/=>|function|galley-|passwordHash|hooks|access"/)
    const settings = res.json.globals[0]
    expect(settings.fields[0]).toEqual({
      name: 'siteName',
      type: 'text',
      label: 'Site name',
      required: true,
      customValidation: true,
    })
  })

  it('refuses unknown query parameters', async () => {
    const { cookie } = await blog.login('editor@example.com')
    const res = await blog.req('GET', '/api/schema?x=1', { cookie })
    expect(res.status).toBe(400)
  })
})

describe('the schema route name', () => {
  it('cannot be taken by a collection', async () => {
    const galley = await createGalley(
      withAuth(
        blogConfig(sqlite({ file: ':memory:' }), {
          collections: [{ slug: 'schema', fields: [{ name: 'name', type: 'text' }] }],
        }),
      ),
    )
    try {
      expect(() => createServer({ galley })).toThrow(/'schema' clashes with the route/)
    } finally {
      await galley.close()
    }
  })
})

describe('labelOf', () => {
  it.each([
    ['title', 'Title'],
    ['publishedAt', 'Published at'],
    ['siteName', 'Site name'],
    ['seo_title', 'Seo title'],
    ['pageURL', 'Page URL'],
  ])('%s → %s', (name, label) => {
    expect(labelOf(name)).toBe(label)
  })
})
