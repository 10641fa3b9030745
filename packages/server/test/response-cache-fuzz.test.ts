import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type GalleyServer } from '../src/index'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const PATHS = [
  '/api/posts',
  '/api/posts?draft=true',
  '/api/posts?perspective=drafts&where[slug][equals]=draft-only',
  '/api/posts?where[title][like]=Post&depth=1',
  '/api/posts/pub',
  '/api/posts/changed?draft=true',
  '/api/posts/draft?draft=true',
  '/api/posts/draft',
  '/api/authors/ghost?draft=true',
  '/api/globals/settings',
  '/api/globals/settings?draft=true',
]
const HEADERS = ['etag', 'cache-control', 'cache-tag', 'vary', 'content-type']

type Action =
  | { kind: 'get'; caller: number; path: string; ifNoneMatch: boolean }
  | { kind: 'write'; what: 'publish' | 'unpublish' | 'update' | 'revoke' | 'token' }

for (const store of STORES) {
  describe.skipIf(store.skip)(`response cache against no cache (${store.name})`, () => {
    let blog: Blog
    let plain: GalleyServer
    const callers: Record<string, string>[] = []
    beforeAll(async () => {
      blog = await setupBlog(store)
      plain = createServer({
        galley: blog.galley,
        responseCache: false,
        logger: { error: () => {}, warn: () => {} },
      })
      const viewer = await blog.login('viewer@example.com')
      const editor = await blog.login('editor@example.com')
      callers.push(
        {},
        { authorization: `Bearer ${blog.tokens.published}` },
        { authorization: `Bearer ${blog.tokens.drafts}` },
        { cookie: viewer.cookie },
        { cookie: editor.cookie },
      )
    })
    afterAll(async () => {
      await plain?.close()
      await blog?.close()
    })

    const action: fc.Arbitrary<Action> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('get' as const),
          caller: fc.nat({ max: 5 }),
          path: fc.constantFrom(...PATHS),
          ifNoneMatch: fc.boolean(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('write' as const),
          what: fc.constantFrom(
            'publish' as const,
            'unpublish' as const,
            'update' as const,
            'revoke' as const,
            'token' as const,
          ),
        }),
      },
    )

    it('every response equals the uncached server’s, whoever asks and whatever was written', async () => {
      let n = 0
      let draftsName = 'preview'
      const etags = new Map<string, string>()
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
          for (const a of actions) {
            if (a.kind === 'write') {
              const id = 'draft'
              if (a.what === 'publish')
                await blog.galley.publish({ collection: 'posts', id }).catch(() => {})
              else if (a.what === 'unpublish')
                await blog.galley.unpublish({ collection: 'posts', id }).catch(() => {})
              else if (a.what === 'update')
                await blog.galley.update({ collection: 'posts', id: 'pub', data: { views: ++n } })
              else if (a.what === 'revoke') {
                // The drafts caller's token is revoked (caller 5 keeps sending it) and replaced.
                const { token } = await blog.store.createToken({
                  name: `fuzz-${++n}`,
                  scope: 'read:drafts',
                })
                callers[5] = callers[2]!
                callers[2] = { authorization: `Bearer ${token}` }
                expect(await blog.store.revokeToken(draftsName)).not.toBeNull()
                draftsName = `fuzz-${n}`
              } else await blog.store.createToken({ name: `extra-${n++}`, scope: 'read:published' })
              continue
            }
            const headers: Record<string, string> = { ...(callers[a.caller] ?? {}) }
            const etag = etags.get(a.path)
            if (a.ifNoneMatch && etag) headers['if-none-match'] = etag
            const url = `http://localhost${a.path}`
            const cached = await blog.server.app.request(url, { headers })
            const fresh = await plain.app.request(url, { headers })
            const what = `${JSON.stringify(headers)} ${a.path}`
            expect(cached.status, what).toBe(fresh.status)
            expect(await cached.text(), what).toBe(await fresh.text())
            for (const h of HEADERS)
              expect(cached.headers.get(h), `${what} ${h}`).toBe(fresh.headers.get(h))
            const e = fresh.headers.get('etag')
            if (e) etags.set(a.path, e)
          }
        }),
        { numRuns: 40 },
      )
    }, 120_000)
  })
}
