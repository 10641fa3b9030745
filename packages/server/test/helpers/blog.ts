import {
  createGalley,
  defineConfig,
  type Config,
  type Galley,
  type StorageAdapter,
} from '@galley/core'
import {
  AuthStore,
  createServer,
  withAuth,
  type GalleyServer,
  type ServerOptions,
} from '../../src/index'
import type { TestStore } from './stores'

/** Words that appear only in draft content: no anonymous response may ever contain them. */
export const SECRET = 'Zebra'

export function blogConfig(storage: StorageAdapter, extra: Partial<Config> = {}): Config {
  return defineConfig({
    storage,
    collections: [
      {
        slug: 'authors',
        versions: { drafts: true },
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'bio', type: 'textarea' },
        ],
      },
      {
        slug: 'posts',
        versions: { drafts: { autosave: true } },
        fields: [
          { name: 'title', type: 'text', required: true, maxLength: 200 },
          { name: 'slug', type: 'slug', unique: true },
          { name: 'views', type: 'number', min: 0 },
          { name: 'featured', type: 'checkbox' },
          { name: 'author', type: 'relationship', relationTo: 'authors' },
          { name: 'tags', type: 'select', hasMany: true, options: ['news', 'guides'] },
          { name: 'seo', type: 'group', fields: [{ name: 'title', type: 'text' }] },
          { name: 'body', type: 'richText' },
        ],
      },
    ],
    globals: [
      {
        slug: 'settings',
        versions: { drafts: true },
        fields: [
          { name: 'siteName', type: 'text', required: true },
          { name: 'tagline', type: 'text' },
        ],
      },
    ],
    ...extra,
  })
}

export const PASSWORD = 'correct horse battery'

export interface Blog {
  galley: Galley
  server: GalleyServer
  store: AuthStore
  tokens: { published: string; drafts: string; write: string }
  req: (method: string, path: string, opts?: ReqOptions) => Promise<Res>
  login: (
    email: string,
    opts?: { password?: string; headers?: Record<string, string> },
  ) => Promise<{ cookie: string; csrf: string; res: Res }>
  close(): Promise<void>
}

export interface ReqOptions {
  body?: unknown
  /** Raw body text (sent as is). */
  raw?: string
  token?: string
  cookie?: string
  csrf?: string
  headers?: Record<string, string>
}

export interface Res {
  status: number
  headers: Headers
  text: string
  json: any
}

/**
 * A blog with every status: published posts, a changed post (published + newer draft), a
 * never-published draft, a draft-only author, and a settings global with a draft. Draft
 * content always contains `SECRET`. Users admin/editor/viewer@example.com, and one token per scope.
 */
export async function setupBlog(
  ts: TestStore,
  options: Partial<ServerOptions> = {},
  extra: Partial<Config> = {},
): Promise<Blog> {
  const { storage, drop } = await ts.make()
  const galley = await createGalley(withAuth(blogConfig(storage, extra)))
  const store = new AuthStore(galley)
  for (const role of ['admin', 'editor', 'viewer'] as const)
    await store.createUser({ email: `${role}@example.com`, password: PASSWORD, role, name: role })
  const tokens = {
    published: (await store.createToken({ name: 'site', scope: 'read:published' })).token,
    drafts: (await store.createToken({ name: 'preview', scope: 'read:drafts' })).token,
    write: (await store.createToken({ name: 'ci', scope: 'write' })).token,
  }
  await galley.create({
    collection: 'authors',
    id: 'ada',
    data: { name: 'Ada Lovelace', bio: 'Engines' },
  })
  await galley.create({
    collection: 'authors',
    id: 'ghost',
    data: { name: `${SECRET} Ghost`, bio: `${SECRET} bio` },
    draft: true,
  })
  await galley.create({
    collection: 'posts',
    id: 'pub',
    data: {
      title: 'Published Post',
      slug: 'published-post',
      views: 10,
      featured: true,
      author: 'ada',
      tags: ['news'],
      seo: { title: 'SEO pub' },
    },
  })
  await galley.create({
    collection: 'posts',
    id: 'changed',
    data: { title: 'Changed Public', slug: 'changed', views: 20, author: 'ada', tags: ['guides'] },
  })
  await galley.update({
    collection: 'posts',
    id: 'changed',
    data: { title: `Changed ${SECRET} Title`, views: 99, seo: { title: `${SECRET} seo` } },
    draft: true,
  })
  await galley.create({
    collection: 'posts',
    id: 'draft',
    data: {
      title: `Draft ${SECRET} Only`,
      slug: 'draft-only',
      views: 5,
      author: 'ghost',
      tags: ['news'],
    },
    draft: true,
  })
  await galley.create({
    collection: 'posts',
    id: 'pub2',
    data: {
      title: 'Second Post',
      slug: 'second',
      views: 30,
      author: 'ghost',
      tags: ['guides', 'news'],
    },
  })
  await galley.updateGlobal({
    slug: 'settings',
    data: { siteName: 'Public Site', tagline: 'Hello' },
  })
  await galley.updateGlobal({ slug: 'settings', data: { siteName: `${SECRET} Site` }, draft: true })

  const server = createServer({ galley, logger: { error: () => {}, warn: () => {} }, ...options })
  const req = async (method: string, path: string, o: ReqOptions = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...o.headers }
    let body: string | undefined = o.raw
    if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers['content-type'] ??= 'application/json'
    }
    if (o.token) headers.authorization = `Bearer ${o.token}`
    if (o.cookie) headers.cookie = o.cookie
    if (o.csrf) headers['x-csrf-token'] = o.csrf
    const url = path.startsWith('http') ? path : `http://localhost${path}`
    const res = await server.app.request(url, { method, headers, body })
    const text = await res.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }
  const login = async (
    email: string,
    o: { password?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await req('POST', '/api/auth/login', {
      body: { email, password: o.password ?? PASSWORD },
      headers: o.headers,
    })
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    return { cookie, csrf: res.json?.csrfToken as string, res }
  }
  return {
    galley,
    server,
    store,
    tokens,
    req,
    login,
    async close() {
      await server.close()
      await galley.close()
      await drop()
    },
  }
}

/** Every stored variant of every content document, plus history sizes: equal snapshots mean nothing changed. */
export async function snapshot(galley: Galley): Promise<string> {
  const out: Record<string, unknown> = {}
  for (const slug of galley.config.collections.keys()) {
    const res = await galley.find({ collection: slug, perspective: 'raw', limit: 1000, sort: 'id' })
    const docs = []
    for (const d of res.docs) {
      const revs = slug.startsWith('galley-')
        ? null
        : (await galley.listRevisions({ collection: slug, id: d.id, limit: 0 })).totalDocs
      docs.push({ ...d, revs })
    }
    out[slug] = docs
  }
  for (const slug of galley.config.globals.keys())
    out[`global:${slug}`] = await galley.findGlobal({ slug, perspective: 'raw' })
  return JSON.stringify(out)
}
