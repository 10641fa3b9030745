import { vercelStegaDecode } from '@vercel/stega'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  it,
  vi,
} from 'vitest'
import { startRecordingServer, type RecordingServer } from '../test/recording-server'
import { createClient } from './create-client'
import { GalleyClientError } from './galley-client-error'
import { stegaClean } from './index'

interface Post {
  title: string
  slug: string
}
interface Settings {
  siteName: string
}
type Collections = { posts: Post }
type Globals = { settings: Settings }

const TOKEN = 'tok_secret_123'
let api: RecordingServer
let cdn: RecordingServer

const page = (docs: object[]) => ({
  docs,
  totalDocs: docs.length,
  limit: 10,
  page: 1,
  totalPages: 1,
  hasNextPage: false,
  hasPrevPage: false,
})
const meta = {
  _status: 'draft',
  _variant: 'draft',
  _rev: 'r1',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
}

beforeAll(async () => {
  api = await startRecordingServer()
  cdn = await startRecordingServer()
})
afterAll(async () => {
  await api.close()
  await cdn.close()
})
beforeEach(() => {
  api.requests.length = 0
  cdn.requests.length = 0
  api.handle = () => ({ json: page([{ id: 'p1', title: 'Hello', slug: 'hello', ...meta }]) })
  cdn.handle = api.handle
})

describe('createClient reads', () => {
  it('find sends where, perspective, paging, sort and depth in the query and the token as a header', async () => {
    const client = createClient<Collections>({ url: api.url, token: TOKEN, perspective: 'drafts' })
    const result = await client.find('posts', {
      where: {
        slug: { equals: 'hello' },
        or: [{ views: { gte: 10 } }, { tags: { in: ['a', 'b'] } }],
      },
      sort: ['-publishedAt', 'title'],
      limit: 5,
      page: 2,
      depth: 1,
    })
    expectTypeOf(result.docs[0].title).toEqualTypeOf<string>()
    expectTypeOf(result.docs[0]._status).toEqualTypeOf<'draft' | 'published' | 'changed'>()
    expect(result.docs[0].title).toBe('Hello')
    expect(result.totalDocs).toBe(1)
    // @ts-expect-error: 'authors' is not a collection of this client
    await client.find('authors').catch(() => undefined)

    const [req] = api.requests
    expect(req.method).toBe('GET')
    expect(req.path).toBe('/api/posts')
    expect([...req.query]).toEqual([
      ['where[slug][equals]', 'hello'],
      ['where[or][0][views][gte]', '10'],
      ['where[or][1][tags][in]', 'a,b'],
      ['perspective', 'drafts'],
      ['depth', '1'],
      ['sort', '-publishedAt,title'],
      ['limit', '5'],
      ['page', '2'],
    ])
    expect(req.url).toContain('where%5Bslug%5D%5Bequals%5D=hello')
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(req.headers.accept).toBe('application/json')
    expect(req.url).not.toContain(TOKEN)
  })

  it('sends no Authorization header without a token, and published by default', async () => {
    await createClient({ url: api.url }).find('posts')
    expect(api.requests[0].headers.authorization).toBeUndefined()
    expect(api.requests[0].query.get('perspective')).toBe('published')
  })

  it('sends a stacked perspective in its canonical spelling', async () => {
    await createClient({ url: api.url, token: TOKEN }).find('posts', {
      perspective: ['spring', 'drafts', 'published'],
    })
    expect(api.requests[0].query.get('perspective')).toBe('spring,drafts')
  })

  it('findById and findGlobal use their routes', async () => {
    const client = createClient<Collections, Globals>({ url: api.url, token: TOKEN })
    api.handle = (r) => ({
      json: r.path.startsWith('/api/globals')
        ? { siteName: 'Galley' }
        : { id: 'p1', title: 'T', slug: 's', ...meta },
    })
    const post = await client.findById('posts', 'p1', { depth: 2, perspective: 'drafts' })
    const settings = await client.findGlobal('settings')
    expectTypeOf(post.slug).toEqualTypeOf<string>()
    expectTypeOf(settings.siteName).toEqualTypeOf<string>()
    expect(post.title).toBe('T')
    expect(settings.siteName).toBe('Galley')
    expect(api.requests.map((r) => r.url)).toEqual([
      '/api/posts/p1?perspective=drafts&depth=2',
      '/api/globals/settings?perspective=published',
    ])
  })

  it('keeps a path prefix of url and refuses absolute or odd paths in fetch', async () => {
    const client = createClient({ url: `${api.url}/cms/`, token: TOKEN })
    api.handle = () => ({ json: { ok: true } })
    expect(await client.fetch('/api/custom?x=1')).toEqual({ ok: true })
    expect(api.requests[0].url).toBe('/cms/api/custom?x=1')
    expect(api.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`)
    await expect(client.fetch('https://evil.test/api')).rejects.toThrow(TypeError)
    await expect(client.fetch('//evil.test/api')).rejects.toThrow(TypeError)
    expect(api.requests).toHaveLength(1)
  })

  it('refuses bad slugs and ids before sending anything', async () => {
    const client = createClient({ url: api.url })
    await expect(client.findById('posts', '../users')).rejects.toThrow(/Invalid id/)
    await expect(client.find('po/sts')).rejects.toThrow(/Invalid collection/)
    await expect(client.find('posts', { limit: 1.5 })).rejects.toThrow(/limit/)
    expect(api.requests).toHaveLength(0)
  })
})

describe('createClient errors', () => {
  it('throws GalleyClientError with the server code, status, message and fields', async () => {
    api.handle = () => ({
      status: 422,
      json: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'bad',
          fields: [{ path: 'title', message: 'required' }],
        },
      },
    })
    const err = await createClient({ url: api.url })
      .find('posts')
      .catch((e) => e)
    expect(err).toBeInstanceOf(GalleyClientError)
    expect(err).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 422,
      message: 'bad',
      fields: [{ path: 'title', message: 'required' }],
    })

    api.handle = () => ({
      status: 404,
      json: { error: { code: 'NOT_FOUND', message: 'No post p9' } },
    })
    await expect(createClient({ url: api.url }).findById('posts', 'p9')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    })
  })

  it('names non-JSON errors by status and network failures by NETWORK_ERROR', async () => {
    api.handle = () => ({ status: 502, text: '<html>bad gateway</html>' })
    await expect(createClient({ url: api.url }).find('posts')).rejects.toMatchObject({
      code: 'HTTP_502',
      status: 502,
    })
    api.handle = () => ({ status: 200, text: 'not json' })
    await expect(createClient({ url: api.url }).find('posts')).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    })

    const closed = await startRecordingServer()
    await closed.close()
    const err = await createClient({ url: closed.url, token: TOKEN })
      .find('posts')
      .catch((e) => e)
    expect(err).toMatchObject({ code: 'NETWORK_ERROR', status: 0 })
    expect(err.message).not.toContain(TOKEN)
  })
})

describe('createClient CDN', () => {
  it('reads published content from cdnUrl and everything else from url', async () => {
    const client = createClient({ url: api.url, cdnUrl: cdn.url, useCdn: true, token: TOKEN })
    await client.find('posts')
    expect(cdn.requests).toHaveLength(1)
    expect(api.requests).toHaveLength(0)

    await client.find('posts', { perspective: 'drafts' })
    await client.withConfig({ perspective: ['spring', 'published'] }).findById('posts', 'p1')
    await client.withConfig({ perspective: 'raw' }).find('posts')
    expect(cdn.requests).toHaveLength(1)
    expect(api.requests).toHaveLength(3)
  })

  it('defaults cdnUrl to url and useCdn to false', () => {
    const client = createClient({ url: api.url })
    expect(client.config()).toMatchObject({ useCdn: false, perspective: 'published' })
    expect(client.config().cdnUrl).toBeUndefined()
  })
})

describe('createClient configuration', () => {
  it('validates perspectives in config, withConfig and per call', async () => {
    expect(() => createClient({ url: api.url, perspective: 'draft' as never })).toThrow(TypeError)
    const client = createClient({ url: api.url })
    expect(() => client.withConfig({ perspective: [] as never })).toThrow(
      /'published', 'drafts', 'raw'/,
    )
    await expect(client.find('posts', { perspective: 'Drafts' as never })).rejects.toThrow(
      TypeError,
    )
  })

  it('withConfig returns a new client and leaves the old one alone', async () => {
    const base = createClient({ url: api.url })
    const drafts = base.withConfig({ perspective: 'drafts', token: TOKEN })
    expect(drafts).not.toBe(base)
    expect(base.config().perspective).toBe('published')
    expect(drafts.config()).toMatchObject({ perspective: 'drafts', token: TOKEN, url: api.url })
  })

  it('refuses a bad url, a token in the url and a bad stega field override', () => {
    expect(() => createClient({ url: 'cms.example' })).toThrow(/absolute/)
    expect(() => createClient({ url: 'ftp://cms.example' })).toThrow(/http/)
    expect(() => createClient({ url: 'https://cms.example?token=x' })).toThrow(/query/)
    expect(() =>
      createClient({ url: api.url, stega: { enabled: true, fields: { 'a b': true } } }),
    ).toThrow(/stega.fields/)
  })
})

describe('createClient stega', () => {
  const stega = { enabled: true, studioUrl: 'https://cms.test/studio' }

  it('marks strings of non-published results, not ids or slugs', async () => {
    const client = createClient<Collections>({
      url: api.url,
      token: TOKEN,
      perspective: 'drafts',
      stega,
    })
    const { docs } = await client.find('posts')
    expect(vercelStegaDecode(docs[0].title)).toEqual({
      origin: 'galley',
      href: 'posts/p1#title',
    })
    expect(docs[0].slug).toBe('hello')
    expect(docs[0].id).toBe('p1')
    expect(stegaClean(docs[0].title)).toBe('Hello')
  })

  it('leaves published results clean even when enabled', async () => {
    const { docs } = await createClient({ url: api.url, stega }).find('posts')
    expect(docs[0].title).toBe('Hello')
  })
})

describe('validatePreviewSecret', () => {
  it('POSTs the secret in the body with the bearer token, never in the URL', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString()
    api.handle = () => ({ json: { isValid: true, perspective: 'drafts', expiresAt } })
    const answer = await createClient({
      url: api.url,
      token: TOKEN,
      useCdn: true,
      cdnUrl: cdn.url,
    }).validatePreviewSecret('s3cret')
    expect(answer).toEqual({ isValid: true, perspective: 'drafts', expiresAt })
    const [req] = api.requests
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/api/preview/validate')
    expect(JSON.parse(req.body)).toEqual({ secret: 's3cret' })
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(cdn.requests).toHaveLength(0)
  })

  it('reads an isValid:false answer even with an error status, and throws on other errors', async () => {
    const client = createClient({ url: api.url, token: TOKEN })
    api.handle = () => ({ status: 401, json: { isValid: false } })
    expect(await client.validatePreviewSecret('nope')).toEqual({ isValid: false })
    api.handle = () => ({
      status: 401,
      json: { error: { code: 'UNAUTHORIZED', message: 'bad token' } },
    })
    await expect(client.validatePreviewSecret('nope')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    })
  })

  it('needs a token, and says so with a code the enable route can name', async () => {
    await expect(createClient({ url: api.url }).validatePreviewSecret('s')).rejects.toMatchObject({
      code: 'TOKEN_MISSING',
      message: expect.stringMatching(/needs a token/),
    })
    expect(api.requests).toHaveLength(0)
  })
})

describe('browser token warning', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('warns once when a token is used in a browser, unless told not to', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    createClient({ url: api.url, token: TOKEN })
    expect(warn).not.toHaveBeenCalled() // no window in Node
    vi.stubGlobal('window', {})
    createClient({ url: api.url })
    createClient({ url: api.url, token: TOKEN, ignoreBrowserTokenWarning: true })
    expect(warn).not.toHaveBeenCalled()
    createClient({ url: api.url, token: TOKEN })
    createClient({ url: api.url, token: TOKEN }).withConfig({ perspective: 'drafts' })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toMatch(/token.*browser/)
  })
})
