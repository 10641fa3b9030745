import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`error responses (${store.name})`, () => {
    let blog: Blog
    const logged: unknown[] = []
    beforeAll(async () => {
      blog = await setupBlog(
        store,
        {
          maxBodyBytes: 1000,
          logger: { error: (...a: unknown[]) => logged.push(a), warn: () => {} },
        },
        {
          // A hook that fails like a database would, to prove internals never leak.
          globals: [
            {
              slug: 'settings',
              versions: { drafts: true },
              fields: [
                { name: 'siteName', type: 'text', required: true },
                { name: 'tagline', type: 'text' },
              ],
            },
            {
              slug: 'broken',
              fields: [{ name: 'x', type: 'text' }],
              hooks: {
                beforeChange: () => {
                  throw new Error(
                    'relation "galley_heads" violates constraint SELECT * FROM secret_table at /srv/app.ts:12',
                  )
                },
              },
            },
          ],
        },
      )
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('every error has the one JSON shape', async () => {
      const res = await blog.req('GET', '/api/posts/nope')
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(Object.keys(res.json)).toEqual(['error'])
      expect(typeof res.json.error.code).toBe('string')
      expect(typeof res.json.error.message).toBe('string')
    })

    it('400 on malformed JSON, a non-object body, a missing body, deep nesting', async () => {
      const w = blog.tokens.write
      const bad = await blog.req('POST', '/api/posts', {
        token: w,
        raw: '{"title":',
        headers: { 'content-type': 'application/json' },
      })
      expect(bad.status).toBe(400)
      expect(bad.json.error).toMatchObject({ code: 'INPUT_INVALID' })
      expect(bad.json.error.message).toMatch(/not valid JSON/)
      const arr = await blog.req('POST', '/api/posts', { token: w, body: [1, 2] })
      expect(arr.status).toBe(400)
      expect(arr.json.error.message).toMatch(/JSON object, not an array/)
      const none = await blog.req('POST', '/api/posts', { token: w })
      expect(none.status).toBe(400)
      expect(none.json.error.message).toMatch(/missing/)
      const deep = await blog.req('POST', '/api/posts', {
        token: w,
        raw: '['.repeat(200) + ']'.repeat(200),
        headers: { 'content-type': 'application/json' },
      })
      expect(deep.status).toBe(400)
      expect(deep.json.error.message).toMatch(/nested deeper/)
    })

    it('415 on a body that is not JSON', async () => {
      const w = blog.tokens.write
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '',
      ]) {
        const res = await blog.req('POST', '/api/posts', {
          token: w,
          raw: 'title=x',
          headers: type ? { 'content-type': type } : {},
        })
        expect(res.status, type).toBe(415)
        expect(res.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      }
      expect(
        (
          await blog.req('POST', '/api/posts', {
            token: w,
            raw: '{"title":"ok"}',
            headers: { 'content-type': 'application/json; charset=utf-8' },
          })
        ).status,
      ).toBe(201)
    })

    it('413 when Content-Length says too much', async () => {
      const res = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        raw: '{}',
        headers: { 'content-type': 'application/json', 'content-length': '5000' },
      })
      expect(res.status).toBe(413)
      expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE')
    })

    it('413 when the streamed body is too large without (or despite) a Content-Length', async () => {
      const big = JSON.stringify({ title: 'x'.repeat(5000) })
      const stream = () =>
        new ReadableStream({
          start(c) {
            for (let i = 0; i < big.length; i += 100)
              c.enqueue(new TextEncoder().encode(big.slice(i, i + 100)))
            c.close()
          },
        })
      const res = await blog.server.app.request('http://localhost/api/posts', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${blog.tokens.write}`,
        },
        body: stream(),
        duplex: 'half',
      } as RequestInit)
      expect(res.status).toBe(413)
      // A Content-Length that lies low does not help either.
      const lying = await blog.server.app.request('http://localhost/api/posts', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': '10',
          authorization: `Bearer ${blog.tokens.write}`,
        },
        body: stream(),
        duplex: 'half',
      } as RequestInit)
      expect(lying.status).toBe(413)
      expect(
        (
          await blog.req('POST', '/api/graphql', {
            raw: big,
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(413)
    })

    it('401, 403, 404, 409, 422 carry their codes', async () => {
      expect((await blog.req('GET', '/api/posts?draft=true')).json.error.code).toBe('UNAUTHORIZED')
      const forbidden = await blog.req('POST', '/api/posts', {
        token: blog.tokens.drafts,
        body: { title: 'x' },
      })
      expect(forbidden.status).toBe(403)
      expect(forbidden.json.error.code).toBe('FORBIDDEN')
      expect((await blog.req('GET', '/api/posts/zzz')).json.error.code).toBe('NOT_FOUND')
      const invalid = await blog.req('POST', '/api/posts', {
        token: blog.tokens.write,
        body: { title: 5 },
      })
      expect(invalid.status).toBe(422)
      expect(invalid.json.error.fields).toEqual([{ path: 'title', message: expect.any(String) }])
    })

    it('unexpected errors are a generic 500: no message, stack or SQL leaves the server, and it is logged', async () => {
      const res = await blog.req('PATCH', '/api/globals/broken', {
        token: blog.tokens.write,
        body: { x: 'y' },
      })
      expect(res.status).toBe(500)
      expect(res.json).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } })
      expect(res.text).not.toMatch(/galley_heads|SELECT|secret_table|app\.ts|at /)
      expect(logged.length).toBeGreaterThan(0)
      expect((await blog.req('GET', '/api/posts/pub')).status).toBe(200)
    })

    it('unknown routes are a JSON 404', async () => {
      const res = await blog.req('GET', '/elsewhere')
      expect(res.status).toBe(404)
      expect(res.json.error.code).toBe('NOT_FOUND')
      expect(
        (await blog.req('PUT', '/api/posts/pub', { token: blog.tokens.write, body: {} })).status,
      ).toBe(404)
    })
  })
}
