import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// Hostile input on this session's routes: always a 4xx with a message, never a 500.
for (const store of STORES) {
  describe.skipIf(store.skip)(`new routes under hostile input (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('answers 4xx to bad GraphQL release arguments, bad preview-path and restore requests', async () => {
      const w = blog.tokens.write
      const gql = [
        `{ contentRelease(id: "\\u0000") { id } }`,
        `{ contentRelease(id: "${'x'.repeat(10_000)}") { id } }`,
        `mutation { createContentRelease(title: "") { id } }`,
        `mutation { createContentRelease(title: "ok", type: "later") { id } }`,
        `mutation { createContentRelease(title: "ok", publishAt: "2030-02-31T00:00:00Z") { id } }`,
        `mutation { scheduleContentRelease(id: "rnope", publishAt: "yesterday") { id } }`,
        `mutation { unpublishWithContentRelease(id: "rnope", collection: "galley-users", docId: "x") { id } }`,
        `mutation { removeFromContentRelease(id: "rnope", collection: "nope", docId: "x") { id } }`,
        `mutation { publishContentRelease(id: "drafts") }`,
        `mutation { updatePosts(id: "pub", release: "raw", data: { title: "x" }) { id } }`,
      ]
      const problems: string[] = []
      for (const query of gql) {
        const res = await blog.req('POST', '/api/graphql', { token: w, body: { query } })
        const messages = (res.json?.errors ?? []).map((e: { message: string }) => e.message)
        if (
          res.status >= 500 ||
          !messages.length ||
          messages.some((m: string) => /internal/i.test(m))
        )
          problems.push(`${query.slice(0, 80)} → ${res.status} ${res.text.slice(0, 160)}`)
      }
      const rest: Array<[string, string]> = [
        ['GET', '/api/schema/preview-path'],
        ['GET', '/api/schema/preview-path?collection=posts'],
        ['GET', '/api/schema/preview-path?collection=posts&id=%00'],
        ['GET', '/api/schema/preview-path?collection=galley-users&id=x'],
        ['GET', '/api/schema/preview-path?collection=posts&id=nope'],
        ['GET', '/api/schema/preview-path?global=nope'],
        ['GET', '/api/schema/preview-path?global=settings&collection=posts&id=pub'],
        [
          'GET',
          `/api/schema/people?ids=${Array.from({ length: 101 }, (_, i) => `u${i}`).join(',')}`,
        ],
        ['GET', '/api/schema/people?ids=%00,%FF'],
        ['POST', '/api/globals/settings/revisions/%00/restore'],
        ['POST', '/api/globals/settings/revisions/nope/restore'],
        ['POST', '/api/globals/nope/revisions/nope/restore'],
        ['POST', '/api/globals/settings/revisions/nope/restore?draft=maybe'],
        ['GET', '/api/events?lastEventId=-1'],
        ['GET', '/api/events?lastEventId=99999999999999999999'],
      ]
      for (const [method, path] of rest) {
        const res = await blog.req(method, path, { token: w })
        if (res.status < 400 || res.status >= 500 || typeof res.json?.error?.message !== 'string')
          problems.push(`${method} ${path.slice(0, 80)} → ${res.status} ${res.text.slice(0, 160)}`)
        expect(res.text).not.toContain('SqliteError')
      }
      expect(problems).toEqual([])
    })

    it('restores no global revision for callers who may not write, and leaks no draft doing so', async () => {
      const revs = await blog.galley.listGlobalRevisions?.({ slug: 'settings' })
      const rev = (revs?.docs?.[0]?.id as string | undefined) ?? 'x'
      for (const token of [undefined, blog.tokens.published, blog.tokens.drafts]) {
        const res = await blog.req('POST', `/api/globals/settings/revisions/${rev}/restore`, {
          token,
        })
        expect([401, 403]).toContain(res.status)
        expect(res.text).not.toContain(SECRET)
      }
    })
  })
}
