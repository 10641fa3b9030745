import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// A page that refers to a related document the caller may not see yet (a draft-only author)
// shows a bare id; publishing that author changes the page, so the purge must reach it.
for (const store of STORES) {
  describe.skipIf(store.skip)(`Cache-Tag of relations left as bare ids (${store.name})`, () => {
    let blog: Blog
    const purges: string[][] = []
    let close: () => Promise<void>
    beforeAll(async () => {
      const receiver = createHttpServer((req, res) => {
        let body = ''
        req.on('data', (c) => (body += c))
        req.on('end', () => {
          purges.push((JSON.parse(body) as { tags: string[] }).tags)
          res.end('ok')
        })
      })
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/purge`
      close = () => new Promise<void>((r) => receiver.close(() => r()))
      blog = await setupBlog(store, { webhooks: [{ url, secret: 'whsec_relations_test' }] })
    })
    afterAll(async () => {
      await blog?.close()
      await close?.()
    })

    const tagsOf = (res: { headers: Headers }) => res.headers.get('cache-tag')!.split(',').sort()

    it('names the bare id, and publishing that document purges the page', async () => {
      // pub2's author is 'ghost', a never-published author: anonymous readers get the bare id.
      const page = await blog.req('GET', '/api/posts/pub2?depth=1')
      expect(page.json.author).toBe('ghost')
      expect(tagsOf(page)).toEqual(['authors', 'authors:ghost', 'posts:pub2'])
      const list = await blog.req('GET', '/api/posts?depth=1&where[slug][equals]=second')
      expect(tagsOf(list)).toEqual(['authors', 'authors:ghost', 'posts', 'posts:pub2'])

      await blog.server.webhooks.idle()
      purges.length = 0
      const published = await blog.req('POST', '/api/authors/ghost/publish', {
        token: blog.tokens.write,
      })
      expect(published.status).toBe(200)
      await blog.server.webhooks.idle()
      const purged = new Set(purges.flat())
      expect(tagsOf(page).some((t) => purged.has(t))).toBe(true)
      expect(purged.has('authors:ghost')).toBe(true)
      // And the page did change: the author is now populated.
      const after = await blog.req('GET', '/api/posts/pub2?depth=1')
      expect(after.json.author).toMatchObject({ id: 'ghost' })
    })

    it('a read that populates nothing (depth 0) is not tagged with the ids it holds', async () => {
      const flat = await blog.req('GET', '/api/posts/pub')
      expect(flat.json.author).toBe('ada')
      expect(tagsOf(flat)).toEqual(['posts:pub'])
    })
  })
}
