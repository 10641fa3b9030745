import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(`GraphQL (${store.name})`, () => {
    let blog: Blog
    const gql = (
      query: string,
      opts: {
        token?: string
        variables?: Record<string, unknown>
        cookie?: string
        csrf?: string
      } = {},
    ) =>
      blog.req('POST', '/api/graphql', {
        body: { query, variables: opts.variables },
        token: opts.token,
        cookie: opts.cookie,
        csrf: opts.csrf,
      })
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('lists published documents with paging fields, sort and where (JSON scalar)', async () => {
      const res = await gql(
        '{ posts(sort: "title") { totalDocs hasNextPage docs { id title _status views tags seo { title } } } }',
      )
      expect(res.status).toBe(200)
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.posts.totalDocs).toBe(3)
      expect(res.json.data.posts.docs.map((d: any) => d.id)).toEqual(['changed', 'pub', 'pub2'])
      expect(res.json.data.posts.docs[1]).toMatchObject({
        title: 'Published Post',
        views: 10,
        tags: ['news'],
        seo: { title: 'SEO pub' },
      })
      const filtered = await gql(
        'query($w: JSON) { posts(where: $w, limit: 1) { totalDocs docs { id } } }',
        { variables: { w: { views: { gte: 20 } } } },
      )
      expect(filtered.json.data.posts).toMatchObject({ totalDocs: 2 })
      const literal = await gql(
        '{ posts(where: { or: [{ id: { equals: "pub" } }, { id: { equals: "pub2" } }] }) { totalDocs } }',
      )
      expect(literal.json.data.posts.totalDocs).toBe(2)
    })

    it('by id, with relationships resolved in the same perspective and access', async () => {
      const res = await gql(
        '{ postsById(id: "pub") { id title author { id name } } other: postsById(id: "pub2") { author { name } } missing: postsById(id: "nope") { id } }',
      )
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.postsById).toEqual({
        id: 'pub',
        title: 'Published Post',
        author: { id: 'ada', name: 'Ada Lovelace' },
      })
      expect(res.json.data.other.author).toBeNull() // draft-only author
      expect(res.json.data.missing).toBeNull()
    })

    it('draft and perspective args read drafts for callers allowed to', async () => {
      const q =
        '{ postsById(id: "changed", draft: true) { title _variant } posts(perspective: "drafts") { totalDocs } other: postsById(id: "pub2", perspective: "drafts") { author { name } } }'
      const res = await gql(q, { token: blog.tokens.drafts })
      expect(res.json.errors).toBeUndefined()
      expect(res.json.data.postsById).toEqual({
        title: `Changed ${SECRET} Title`,
        _variant: 'draft',
      })
      expect(res.json.data.posts.totalDocs).toBe(4)
      expect(res.json.data.other.author.name).toBe(`${SECRET} Ghost`)
      const anon = await gql(q)
      expect(anon.status).toBe(200)
      expect(anon.text).not.toContain(SECRET)
      expect(anon.json.errors.map((e: any) => e.extensions.code)).toContain('UNAUTHORIZED')
    })

    it('mutations: create (draft), update, publish, unpublish, discardDraft, delete', async () => {
      const t = blog.tokens.write
      const created = await gql(
        'mutation($d: JSON!) { createPosts(data: $d, draft: true) { id title _status } }',
        { token: t, variables: { d: { title: 'From GraphQL' } } },
      )
      expect(created.json.errors).toBeUndefined()
      const id = created.json.data.createPosts.id
      expect(created.json.data.createPosts._status).toBe('draft')
      const pub = await gql(`mutation { publishPosts(id: "${id}") { _status } }`, { token: t })
      expect(pub.json.data.publishPosts._status).toBe('published')
      const upd = await gql(
        `mutation { updatePosts(id: "${id}", data: { title: "GraphQL draft" }, draft: true) { title _status _rev } }`,
        { token: t },
      )
      expect(upd.json.data.updatePosts).toMatchObject({
        title: 'GraphQL draft',
        _status: 'changed',
      })
      const stale = await gql(
        `mutation { updatePosts(id: "${id}", data: { title: "x" }, ifRevision: "stale") { id } }`,
        { token: t },
      )
      expect(stale.json.errors[0].extensions).toMatchObject({
        code: 'CONFLICT',
        currentRevision: upd.json.data.updatePosts._rev,
      })
      const disc = await gql(`mutation { discardDraftPosts(id: "${id}") { title } }`, { token: t })
      expect(disc.json.data.discardDraftPosts.title).toBe('From GraphQL')
      const unpub = await gql(`mutation { unpublishPosts(id: "${id}") { _status } }`, { token: t })
      expect(unpub.json.data.unpublishPosts._status).toBe('draft')
      const invalid = await gql('mutation { createPosts(data: { views: "many" }) { id } }', {
        token: t,
      })
      expect(invalid.json.errors[0].extensions.code).toBe('VALIDATION_FAILED')
      expect(invalid.json.errors[0].extensions.fields.length).toBeGreaterThan(0)
      const del = await gql(`mutation { deletePosts(id: "${id}") { id } }`, { token: t })
      expect(del.json.data.deletePosts.id).toBe(id)
    })

    it('mutations follow the same access rules as REST', async () => {
      const anon = await gql('mutation { createPosts(data: { title: "anon" }) { id } }')
      expect(anon.json.errors[0].extensions.code).toBe('UNAUTHORIZED')
      const viewer = await gql('mutation { publishPosts(id: "draft") { id } }', {
        token: blog.tokens.drafts,
      })
      expect(viewer.json.errors[0].extensions.code).toBe('FORBIDDEN')
      expect((await blog.req('GET', '/api/posts/draft')).status).toBe(404)
    })

    it('globals: query and update / publish mutations', async () => {
      const t = blog.tokens.write
      const q = await gql(
        '{ settings { siteName _status } draft: settings(draft: true) { siteName } }',
        { token: blog.tokens.drafts },
      )
      expect(q.json.data).toEqual({
        settings: { siteName: 'Public Site', _status: 'changed' },
        draft: { siteName: `${SECRET} Site` },
      })
      const upd = await gql(
        'mutation { updateSettings(data: { tagline: "gql" }, draft: true) { tagline _variant } }',
        { token: t },
      )
      expect(upd.json.data.updateSettings).toEqual({ tagline: 'gql', _variant: 'draft' })
      const pub = await gql('mutation { publishSettings { tagline _status } }', { token: t })
      expect(pub.json.data.publishSettings).toEqual({ tagline: 'gql', _status: 'published' })
      const anon = await gql('{ settings { tagline } }')
      expect(anon.json.data.settings.tagline).toBe('gql')
    })

    it('GET runs queries (not mutations); responses are never publicly cached', async () => {
      const q = encodeURIComponent('{ posts { totalDocs } }')
      const res = await blog.req('GET', `/api/graphql?query=${q}`)
      expect(res.json.data.posts.totalDocs).toBeGreaterThan(0)
      expect(res.headers.get('cache-control')).toBe('private, no-store')
      const v = await blog.req(
        'GET',
        `/api/graphql?query=${encodeURIComponent('query($id: ID!) { postsById(id: $id) { id } }')}&variables=${encodeURIComponent('{"id":"pub"}')}`,
      )
      expect(v.json.data.postsById.id).toBe('pub')
      const m = await blog.req(
        'GET',
        `/api/graphql?query=${encodeURIComponent('mutation { deletePosts(id: "pub") { id } }')}`,
        { token: blog.tokens.write },
      )
      expect(m.status).toBe(405)
      expect((await blog.req('GET', '/api/posts/pub')).status).toBe(200)
    })

    it('malformed requests are 400 with GraphQL errors', async () => {
      expect((await gql('{ posts { ')).status).toBe(400)
      expect((await gql('{ nope }')).status).toBe(400)
      expect((await blog.req('POST', '/api/graphql', { body: { nothing: 1 } })).status).toBe(400)
      expect(
        (
          await blog.req('POST', '/api/graphql', {
            body: { query: '{ posts { totalDocs } }', variables: [1] },
          })
        ).status,
      ).toBe(400)
      const badVar = await gql('query($l: Int) { posts(limit: $l) { totalDocs } }', {
        variables: { l: 'ten' },
      })
      expect(badVar.status).toBe(400)
      const where = await gql('{ posts(where: { nope: { equals: 1 } }) { totalDocs } }')
      expect(where.json.errors[0]).toMatchObject({ extensions: { code: 'QUERY_INVALID' } })
      expect(where.json.errors[0].message).toMatch(/'nope' is not a field/)
      expect(
        (
          await blog.req('POST', '/api/graphql', {
            raw: 'query { posts { totalDocs } }',
            headers: { 'content-type': 'application/graphql' },
          })
        ).status,
      ).toBe(415)
    })

    it('deep or huge documents are refused before running', async () => {
      const ofType = (n: number): string => (n === 0 ? 'name' : `name ofType { ${ofType(n - 1)} }`)
      const ok = await gql(`{ __schema { types { fields { type { ${ofType(5)} } } } } }`)
      expect(ok.status).toBe(200)
      // A chain of ofType is one type at each level (no fan-out), so it adds no depth
      // inside introspection (getIntrospectionQuery() nests seven); fields of types do.
      const chain = await gql(`{ __schema { types { fields { type { ${ofType(12)} } } } } }`)
      expect(chain.status).toBe(200)
      const fanOut = `${'fields { type { '.repeat(6)}name${' } }'.repeat(6)}`
      const deep = await gql(`{ __schema { types { ${fanOut} } } }`)
      expect(deep.status).toBe(400)
      expect(deep.json.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } })
      expect(deep.json.errors[0].message).toMatch(/deeper than 12/)
      const aliases = `{ ${Array.from({ length: 2100 }, (_, i) => `a${i}: posts { totalDocs }`).join(' ')} }`
      const res = await gql(aliases)
      expect(res.status).toBe(400)
      expect(res.json.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX')
      // Fragments are expanded when counting, so reusing one cannot hide the cost.
      const frag =
        'fragment F on Posts { id title views } ' +
        `{ posts { docs { ${Array.from({ length: 700 }, (_, i) => `x${i}: id ...F`).join(' ')} } } }`
      expect((await gql(frag)).status).toBe(400)
    })

    it('the users collection is exposed only as its access rules allow', async () => {
      const res = await gql('{ users { totalDocs docs { email } } }')
      expect(res.json.data.users.totalDocs).toBe(0)
      const admin = await blog.login('admin@example.com')
      const mine = await gql('{ users { totalDocs docs { email role } } }', {
        cookie: admin.cookie,
        csrf: admin.csrf,
      })
      expect(mine.json.data.users.totalDocs).toBe(3)
      expect(mine.text).not.toMatch(/scrypt|password/i)
      const created = await gql(
        'mutation { createUsers(data: { email: "gql@example.com", role: "viewer", password: "graphql password" }) { id email } }',
        { cookie: admin.cookie, csrf: admin.csrf },
      )
      expect(created.json.data.createUsers.email).toBe('gql@example.com')
      expect(created.text).not.toContain('graphql password')
      expect(
        (await blog.login('gql@example.com', { password: 'graphql password' })).res.status,
      ).toBe(200)
    })
  })
}
