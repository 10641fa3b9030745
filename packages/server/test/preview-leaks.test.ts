import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupBlog, type Blog, type Res } from './helpers/blog'
import { STORES } from './helpers/stores'
import { ENABLE_URL, serverOn } from './helpers/preview'

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

for (const store of STORES) {
  describe.skipIf(store.skip)(`preview secrets never leak (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { preview: { url: ENABLE_URL }, logger: console })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('no response but the creating one, and no console line, contains a secret', async () => {
      const logged: string[] = []
      const spies = CONSOLE.map((m) =>
        vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
          logged.push(
            args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '),
          )
        }),
      )
      const seen: Res[] = []
      const req = async (...args: Parameters<Blog['req']>) => {
        const res = await blog.req(...args)
        seen.push(res)
        return res
      }
      const drafts = blog.tokens.drafts
      try {
        // Created: these answers are the only place a secret may appear.
        const plain = (await blog.req('POST', '/api/preview/secrets', { token: drafts, body: {} }))
          .json.secret
        const once = (
          await blog.req('POST', '/api/preview/secrets', {
            token: drafts,
            body: { singleUse: true },
          })
        ).json.secret
        const shared = await blog.req('POST', '/api/preview/shares', {
          token: blog.tokens.write,
          body: { name: 'Leak check' },
        })
        const secrets: string[] = [plain, once, shared.json.secret]
        expect(secrets.every((s) => /^[A-Za-z0-9_-]{43}$/.test(s))).toBe(true)

        for (const secret of secrets)
          await req('POST', '/api/preview/validate', { token: drafts, body: { secret } })
        await req('POST', '/api/preview/validate', { token: drafts, body: { secret: once } })
        await req('POST', `/api/preview/validate?secret=${plain}`, { token: drafts, body: {} })
        await req('POST', `/api/preview/validate/${plain}`, { token: drafts, body: {} })
        await req('GET', `/api/preview/secrets/${plain}`, { token: drafts })
        await req('POST', '/api/preview/validate', {
          token: drafts,
          raw: `{"secret": ${plain}`,
          headers: { 'content-type': 'application/json' },
        })
        await req('POST', '/api/preview/validate', {
          token: drafts,
          raw: `secret=${plain}`,
          headers: { 'content-type': 'text/plain' },
        })
        await req('POST', '/api/preview/validate', {
          token: `gly_${plain}`,
          body: { secret: plain },
        })
        await req('POST', '/api/preview/validate', { body: { secret: plain } })
        await req('POST', '/api/preview/validate', {
          token: blog.tokens.published,
          body: { secret: plain },
        })
        await req('GET', '/api/preview/shares', { token: drafts })
        await req('DELETE', `/api/preview/shares/${shared.json.id}`, { token: blog.tokens.write })
        await req('POST', '/api/preview/validate', {
          token: drafts,
          body: { secret: shared.json.secret },
        })

        // Rate limited.
        const limited = serverOn(blog, {
          logger: console,
          preview: { rateLimit: { maxFailures: 1, maxTokenFailures: 1 } },
        })
        for (const secret of ['E'.repeat(43), plain]) {
          const res = await limited.req('POST', '/api/preview/validate', {
            token: drafts,
            body: { secret },
          })
          seen.push(res)
        }
        expect(seen.at(-1)!.status).toBe(429)
        await limited.close()

        // An unexpected failure while validating is logged, without the secret.
        vi.spyOn(blog.galley, 'find').mockRejectedValueOnce(new Error('database unavailable'))
        const failed = await req('POST', '/api/preview/validate', {
          token: drafts,
          body: { secret: plain },
        })
        expect(failed.status).toBe(500)
        expect(logged.join('\n')).toContain('database unavailable')

        for (const res of seen) {
          const headers = JSON.stringify([...res.headers])
          for (const secret of secrets) {
            expect(res.text).not.toContain(secret)
            expect(headers).not.toContain(secret)
          }
        }
        for (const line of logged) for (const secret of secrets) expect(line).not.toContain(secret)
        expect(seen.length).toBeGreaterThan(15)
      } finally {
        for (const s of spies) s.mockRestore()
        vi.restoreAllMocks()
      }
    })
  })
}
