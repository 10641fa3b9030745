import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`releases in GraphQL (${store.name})`, () => {
    let blog: Blog
    const gql = (query: string, token?: string, variables?: Record<string, unknown>) =>
      blog.req('POST', '/api/graphql', { body: { query, variables }, token })
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('creates, fills, reads through the release perspective, refuses and publishes', async () => {
      const w = blog.tokens.write
      const made = await gql(
        'mutation { createContentRelease(title: "GQL", type: "undecided") { id state type } }',
        w,
      )
      const rel = made.json.data.createContentRelease
      expect(rel).toMatchObject({ state: 'active', type: 'undecided' })
      const wrote = await gql(
        'mutation($r: String) { updatePosts(id: "pub", data: { title: "GQL title" }, release: $r) { title _variant } }',
        w,
        { r: rel.id },
      )
      expect(wrote.json.data.updatePosts).toEqual({
        title: 'GQL title',
        _variant: `release:${rel.id}`,
      })
      const born = await gql(
        'mutation($r: String) { createPosts(id: "gql-new", data: { title: "Born in a release" }, release: $r) { _variant } }',
        w,
        { r: rel.id },
      )
      expect(born.json.data.createPosts._variant).toBe(`release:${rel.id}`)
      expect((await blog.req('GET', '/api/posts/gql-new')).status).toBe(404)
      const unknown = await gql(
        'mutation { updatePosts(id: "pub", data: { title: "x" }, release: "rnowhere") { title } }',
        w,
      )
      expect(unknown.json.errors[0].extensions.code).toBe('NOT_FOUND')
      const reader = await gql(
        `mutation { updatePosts(id: "pub", data: { title: "x" }, release: "${rel.id}") { title } }`,
        blog.tokens.drafts,
      )
      expect(reader.json.errors[0].extensions.code).toBe('FORBIDDEN')
      await blog.req('PATCH', `/api/posts/pub2?release=${rel.id}`, {
        token: w,
        body: { title: '' },
      })
      const read = await gql(
        `query($p: String) { postsById(id: "pub", perspective: $p) { title _variant } posts(perspective: $p, where: { title: { equals: "GQL title" } }) { totalDocs } }`,
        blog.tokens.drafts,
        { p: rel.id },
      )
      expect(read.json.data.postsById).toEqual({
        title: 'GQL title',
        _variant: `release:${rel.id}`,
      })
      expect(read.json.data.posts.totalDocs).toBe(1)
      const anon = await gql('{ contentReleases { id } }')
      expect(anon.json.errors[0].extensions.code).toBe('UNAUTHORIZED')
      const leak = await gql(`{ postsById(id: "pub", perspective: "${rel.id}") { title } }`)
      expect(JSON.stringify(leak.json)).not.toContain('GQL title')
      const one = await gql(
        `{ contentReleases { id } contentRelease(id: "${rel.id}") { title documents } }`,
        blog.tokens.drafts,
      )
      expect(one.json.data.contentReleases.map((r: { id: string }) => r.id)).toContain(rel.id)
      expect(one.json.data.contentRelease.documents).toHaveLength(3)
      const refused = await gql(`mutation { publishContentRelease(id: "${rel.id}") }`, w)
      expect(refused.json.errors[0].extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ path: 'posts/pub2.title' }],
      })
      const viewer = await gql(
        `mutation { archiveContentRelease(id: "${rel.id}") { id } }`,
        blog.tokens.drafts,
      )
      expect(viewer.json.errors[0].extensions.code).toBe('FORBIDDEN')
      const out = await gql(
        `mutation { removeFromContentRelease(id: "${rel.id}", collection: "posts", docId: "pub2") { id } }`,
        w,
      )
      expect(out.json.data.removeFromContentRelease.id).toBe(rel.id)
      const un = await gql(
        `mutation { unpublishWithContentRelease(id: "${rel.id}", collection: "posts", docId: "changed") { id } }`,
        w,
      )
      expect(un.json.data.unpublishWithContentRelease.id).toBe(rel.id)
      const ok = await gql(`mutation { publishContentRelease(id: "${rel.id}") }`, w)
      expect(ok.json.data.publishContentRelease.release.state).toBe('published')
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('GQL title')
      expect((await blog.req('GET', '/api/posts/changed')).status).toBe(404)
      expect((await blog.req('GET', '/api/posts/gql-new')).json.title).toBe('Born in a release')
      expect((await blog.req('GET', '/api/posts/pub2')).json.title).toBe('Second Post')
    })

    it('schedules and archives in mutation documents (one transaction each)', async () => {
      const w = blog.tokens.write
      const at = new Date(Date.now() + 3_600_000).toISOString()
      const res = await gql('mutation { r: createContentRelease(title: "Later") { id } }', w)
      const id = res.json.data.r.id
      const s = await gql(
        `mutation($at: String!) { scheduleContentRelease(id: "${id}", publishAt: $at) { state publishAt } }`,
        w,
        { at },
      )
      expect(s.json.data.scheduleContentRelease).toEqual({ state: 'scheduled', publishAt: at })
      const past = await gql(
        `mutation { scheduleContentRelease(id: "${id}", publishAt: "2000-01-01T00:00:00Z") { state } }`,
        w,
      )
      expect(past.json.errors[0].extensions.code).toBe('INPUT_INVALID')
      const a = await gql(`mutation { archiveContentRelease(id: "${id}") { state } }`, w)
      expect(a.json.data.archiveContentRelease.state).toBe('archived')
      const jobs = await blog.req('GET', `/api/schedules?release=${id}`, { token: w })
      expect(jobs.json.docs.map((j: { state: string }) => j.state)).toEqual(['cancelled'])
    })
  })
}
