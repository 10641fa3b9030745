import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServer } from '../src/index'
import { blogConfig, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const SECRET_KEY = 'whsec_0123456789abcdef'

interface Received {
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** A real HTTP receiver on 127.0.0.1 that answers with the next status in `plan` (then 200). */
async function receiver() {
  const received: Received[] = []
  const plan: number[] = []
  const server: Server = createHttpServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ body, headers: req.headers })
      res.statusCode = plan.shift() ?? 200
      res.end('ok')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/purge`
  return { url, received, plan, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const events = (r: Received[]) =>
  r.map((x) => JSON.parse(x.body) as { event: string; tags: string[]; at: string })

for (const store of STORES) {
  describe.skipIf(store.skip)(`cache-purge webhooks (${store.name})`, () => {
    let blog: Blog
    let hook: Awaited<ReturnType<typeof receiver>>
    beforeAll(async () => {
      hook = await receiver()
      blog = await setupBlog(store, {
        webhooks: [{ url: hook.url, secret: SECRET_KEY }],
        webhookRetry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
      })
    })
    afterAll(async () => {
      await blog?.close()
      await hook?.close()
    })
    beforeEach(async () => {
      await blog.server.webhooks.idle()
      hook.received.length = 0
      hook.plan.length = 0
    })

    it('publish emits the document and collection tags, signed with HMAC-SHA256', async () => {
      const res = await blog.req('POST', '/api/posts/changed/publish', { token: blog.tokens.write })
      expect(res.status).toBe(200)
      await blog.server.webhooks.idle()
      expect(hook.received).toHaveLength(1)
      const [r] = hook.received
      const body = JSON.parse(r!.body)
      expect(body).toEqual({
        event: 'publish',
        tags: ['posts:changed', 'posts'],
        at: expect.any(String),
      })
      expect(Number.isNaN(Date.parse(body.at))).toBe(false)
      expect(r!.headers['content-type']).toBe('application/json')
      const expected = `sha256=${createHmac('sha256', SECRET_KEY).update(r!.body).digest('hex')}`
      expect(r!.headers['x-galley-signature']).toBe(expected)
    })

    it('published writes, unpublish, delete and global publish emit; draft writes and discards do not', async () => {
      const w = blog.tokens.write
      const c = await blog.req('POST', '/api/posts', { token: w, body: { title: 'Hooked' } })
      const id = c.json.id
      await blog.req('PATCH', `/api/posts/${id}?draft=true`, {
        token: w,
        body: { title: 'Hooked draft' },
      })
      await blog.req('PATCH', `/api/posts/${id}?autosave=true`, {
        token: w,
        body: { title: 'Hooked auto' },
      })
      await blog.req('POST', `/api/posts/${id}/discard-draft`, { token: w })
      await blog.req('POST', '/api/posts?draft=true', { token: w, body: { title: 'Quiet draft' } })
      await blog.req('PATCH', `/api/posts/${id}`, { token: w, body: { title: 'Hooked live' } })
      await blog.req('POST', `/api/posts/${id}/unpublish`, { token: w })
      await blog.req('DELETE', `/api/posts/${id}`, { token: w })
      await blog.req('PATCH', '/api/globals/settings?draft=true', {
        token: w,
        body: { tagline: 'quiet' },
      })
      await blog.req('POST', '/api/globals/settings/publish', { token: w })
      await blog.req('POST', '/api/graphql', {
        token: w,
        body: { query: 'mutation { publishPosts(id: "draft") { id } }' },
      })
      await blog.server.webhooks.idle()
      const got = events(hook.received).map((e) => `${e.event} ${e.tags.join(',')}`)
      expect(got).toEqual([
        `create posts:${id},posts`,
        `update posts:${id},posts`,
        `unpublish posts:${id},posts`,
        `delete posts:${id},posts`,
        'publish globals:settings',
        'publish posts:draft,posts',
      ])
    })

    it('failed deliveries are retried with backoff, and every attempt is recorded', async () => {
      hook.plan.push(500, 503)
      const before = blog.server.webhooks.deliveries().length
      await blog.req('POST', '/api/posts/pub/unpublish', { token: blog.tokens.write })
      await blog.server.webhooks.idle()
      expect(hook.received).toHaveLength(3)
      expect(new Set(hook.received.map((r) => r.body)).size).toBe(1) // same body and signature each time
      expect(new Set(hook.received.map((r) => r.headers['x-galley-delivery'])).size).toBe(1)
      const attempts = blog.server.webhooks
        .deliveries()
        .slice(0, blog.server.webhooks.deliveries().length - before)
        .reverse()
      expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ])
      expect(attempts[0]!.nextAttemptAt).not.toBeNull()
      expect(attempts[2]!.nextAttemptAt).toBeNull()
      // Backoff: the gap before the 3rd attempt is at least twice the base delay.
      expect(Date.parse(attempts[2]!.at) - Date.parse(attempts[1]!.at)).toBeGreaterThanOrEqual(35)
      await blog.req('POST', '/api/posts/pub/publish', { token: blog.tokens.write })
    })

    it('gives up after the configured attempts', async () => {
      hook.plan.push(500, 500, 500, 500, 500)
      // A real published change: re-publishing what is already published changes nothing,
      // and purges follow the engine's committed changes.
      await blog.req('PATCH', '/api/posts/pub', { token: blog.tokens.write, body: { views: 11 } })
      await blog.server.webhooks.idle()
      expect(hook.received).toHaveLength(4)
      expect(blog.server.webhooks.deliveries()[0]).toMatchObject({
        attempt: 4,
        ok: false,
        nextAttemptAt: null,
      })
    })

    it('a receiver that is down is recorded as a network error', async () => {
      const down = await setupBlog(store, {
        webhooks: [{ url: 'http://127.0.0.1:9/nothing', secret: SECRET_KEY }],
        webhookRetry: { attempts: 2, baseDelayMs: 5 },
      })
      try {
        await down.req('POST', '/api/posts/changed/publish', { token: down.tokens.write })
        await down.server.webhooks.idle()
        const d = down.server.webhooks.deliveries()
        expect(d).toHaveLength(2)
        expect(d[0]).toMatchObject({
          status: null,
          ok: false,
          error: expect.stringMatching(/failed/),
        })
      } finally {
        await down.close()
      }
    })

    it('GET /api/webhooks/deliveries is for signed-in admins only', async () => {
      expect((await blog.req('GET', '/api/webhooks/deliveries')).status).toBe(401)
      expect(
        (await blog.req('GET', '/api/webhooks/deliveries', { token: blog.tokens.write })).status,
      ).toBe(403)
      const editor = await blog.login('editor@example.com')
      expect(
        (await blog.req('GET', '/api/webhooks/deliveries', { cookie: editor.cookie })).status,
      ).toBe(403)
      const admin = await blog.login('admin@example.com')
      const res = await blog.req('GET', '/api/webhooks/deliveries?limit=2', {
        cookie: admin.cookie,
      })
      expect(res.status).toBe(200)
      expect(res.json.deliveries).toHaveLength(2)
      expect(res.json.deliveries[0]).toMatchObject({
        url: hook.url,
        event: expect.any(String),
        attempt: expect.any(Number),
      })
      expect(res.headers.get('cache-control')).toBe('private, no-store')
      expect(res.text).not.toContain(SECRET_KEY)
    })
  })
}

/** The blog's collections, with an afterPublish hook on authors that updates the settings global. */
function hookedCollections() {
  const { collections } = blogConfig(undefined as never)
  return collections!.map((c) =>
    c.slug === 'authors'
      ? {
          ...c,
          hooks: {
            afterPublish: async ({
              doc,
              galley,
            }: {
              doc: Record<string, unknown>
              galley: any
            }) => {
              await galley.updateGlobal({
                slug: 'settings',
                data: { siteName: 'Public Site', tagline: `By ${doc.name}` },
              })
            },
          },
        }
      : c,
  )
}

for (const store of STORES) {
  describe.skipIf(store.skip)(
    `purges follow committed changes, not HTTP routes (${store.name})`,
    () => {
      let blog: Blog
      let hook: Awaited<ReturnType<typeof receiver>>
      beforeAll(async () => {
        hook = await receiver()
        blog = await setupBlog(
          store,
          { webhooks: [{ url: hook.url, secret: SECRET_KEY }], webhookRetry: { attempts: 1 } },
          { collections: hookedCollections() },
        )
      })
      afterAll(async () => {
        await blog?.close()
        await hook?.close()
      })
      beforeEach(async () => {
        await blog.server.webhooks.idle()
        hook.received.length = 0
      })
      const got = async () => {
        await blog.server.webhooks.idle()
        return events(hook.received).map((e) => `${e.event} ${e.tags.join(',')}`)
      }

      it("attack: an afterPublish hook's updateGlobal purges the global (Local API publish purges too)", async () => {
        await blog.galley.publish({ collection: 'authors', id: 'ghost' })
        expect(await got()).toEqual(['publish authors:ghost,authors', 'update globals:settings'])
        expect((await blog.galley.findGlobal({ slug: 'settings' })).tagline).toBe('By Zebra Ghost')
      })

      it('Local API and server-code writes purge; draft writes do not', async () => {
        await blog.galley.update({ collection: 'posts', id: 'pub2', data: { views: 31 } })
        await blog.galley.update({
          collection: 'posts',
          id: 'pub2',
          data: { views: 32 },
          draft: true,
        })
        await blog.galley.publish({ collection: 'posts', id: 'pub2' })
        await blog.galley.transaction(async (tx) => {
          await tx.create({ collection: 'posts', id: 'seeded', data: { title: 'Seeded' } })
          await tx.updateGlobal({
            slug: 'settings',
            data: { siteName: 'Public Site', tagline: 'Seeded' },
          })
        })
        expect(await got()).toEqual([
          'update posts:pub2,posts',
          'publish posts:pub2,posts',
          'create posts:seeded,posts',
          'update globals:settings',
        ])
      })

      it('a rolled-back transaction purges nothing', async () => {
        await expect(
          blog.galley.transaction(async (tx) => {
            await tx.update({ collection: 'posts', id: 'pub', data: { views: 77 } })
            throw new Error('changed my mind')
          }),
        ).rejects.toThrow(/changed my mind/)
        expect(await got()).toEqual([])
      })

      it("the server's own collections and non-public users are never purged", async () => {
        await blog.store.createToken({ name: 'purge-test', scope: 'read:published' })
        const user = await blog.store.createUser({
          email: `purge-${store.name}@example.com`,
          password: 'purge password 1',
        })
        await blog.galley.update({ collection: 'users', id: user.id, data: { role: 'editor' } })
        await blog.login('viewer@example.com')
        expect(await got()).toEqual([])
      })

      it('close() stops listening to the engine', async () => {
        const other = createServer({
          galley: blog.galley,
          webhooks: [{ url: hook.url, secret: SECRET_KEY }],
          logger: { error: () => {}, warn: () => {} },
        })
        await blog.galley.update({ collection: 'posts', id: 'pub', data: { views: 12 } })
        await other.webhooks.idle()
        await other.close()
        await blog.galley.update({ collection: 'posts', id: 'pub', data: { views: 13 } })
        await other.webhooks.idle()
        // Two changes purged by the suite's server, one by the other server while it was open.
        expect(await got()).toEqual([
          'update posts:pub,posts',
          'update posts:pub,posts',
          'update posts:pub,posts',
        ])
      })
    },
  )
}

describe('webhook configuration', () => {
  it('refuses a non-http url or a short secret at start-up', async () => {
    const { WebhookDispatcher } = await import('../src/index')
    const base = { fetch, logger: console }
    expect(
      () => new WebhookDispatcher({ ...base, targets: [{ url: 'ftp://x', secret: SECRET_KEY }] }),
    ).toThrow(/http/)
    expect(
      () => new WebhookDispatcher({ ...base, targets: [{ url: 'http://x', secret: 'short' }] }),
    ).toThrow(/16/)
  })
})
