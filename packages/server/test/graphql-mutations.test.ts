import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type ChangeEvent, StoreBusyError } from '@galley/core'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

for (const store of STORES) {
  describe.skipIf(store.skip)(
    `GraphQL mutation documents are one transaction (${store.name})`,
    () => {
      let blog: Blog
      let events: ChangeEvent[] = []
      let stop: () => void
      const gql = (query: string, variables?: Record<string, unknown>) =>
        blog.req('POST', '/api/graphql', { body: { query, variables }, token: blog.tokens.write })
      const draftOf = async (id: string) =>
        blog.galley.findById({ collection: 'posts', id, perspective: 'drafts' })
      const revisions = async (id: string) =>
        (await blog.galley.listRevisions({ collection: 'posts', id })).totalDocs

      beforeAll(async () => {
        blog = await setupBlog(store)
        stop = blog.galley.subscribe((e) => events.push(e))
      })
      afterAll(async () => {
        stop?.()
        await blog?.close()
      })
      beforeEach(() => {
        events = []
      })

      it('a field that fails undoes the fields before it, and says which failed and why', async () => {
        const before = await revisions('pub')
        const res = await gql(
          'mutation { a: updatePosts(id: "pub", draft: true, data: { title: "first" }) { id } b: updatePosts(id: "pub", draft: true, data: { tags: ["bad"] }) { id } }',
        )
        expect(res.status).toBe(200)
        expect(res.json.data).toBeNull()
        expect(res.json.errors).toHaveLength(1)
        expect(res.json.errors[0]).toMatchObject({
          path: ['b'],
          extensions: { code: 'VALIDATION_FAILED' },
        })
        expect(res.json.errors[0].extensions.fields[0].path).toBe('tags')
        expect((await draftOf('pub'))!.title).toBe('Published Post')
        expect((await draftOf('pub'))!._variant).toBe('published')
        expect(await revisions('pub')).toBe(before)
        expect(events).toEqual([])
      })

      it('a create, an update and a publish in one document commit together', async () => {
        const res = await gql(
          'mutation { c: createPosts(id: "tx-one", draft: true, data: { title: "One" }) { id _status } u: updatePosts(id: "tx-one", draft: true, data: { title: "One, edited" }) { title } p: publishPosts(id: "tx-one") { _status title } }',
        )
        expect(res.json.errors).toBeUndefined()
        expect(res.json.data).toEqual({
          c: { id: 'tx-one', _status: 'draft' },
          u: { title: 'One, edited' },
          p: { _status: 'published', title: 'One, edited' },
        })
        const pub = await blog.req('GET', '/api/posts/tx-one')
        expect(pub.json.title).toBe('One, edited')
        // Events are announced after the commit, one per write.
        expect(events.map((e) => e.id)).toEqual(['tx-one', 'tx-one', 'tx-one'])
      })

      it('a create followed by a failing write leaves no document and sends no event', async () => {
        const res = await gql(
          'mutation { c: createPosts(id: "tx-gone", data: { title: "Gone" }) { id } p: publishPosts(id: "pub", ifRevision: "stale") { id } }',
        )
        expect(res.json.data).toBeNull()
        expect(res.json.errors[0]).toMatchObject({ path: ['p'], extensions: { code: 'CONFLICT' } })
        expect(res.json.errors[0].message).toBeTruthy()
        expect(
          await blog.galley.findById({ collection: 'posts', id: 'tx-gone', perspective: 'raw' }),
        ).toBeNull()
        expect(
          (await blog.req('GET', '/api/posts/tx-gone', { token: blog.tokens.drafts })).status,
        ).toBe(404)
        expect(events).toEqual([])
        // The id is free: the same create alone succeeds.
        const again = await gql(
          'mutation { createPosts(id: "tx-gone", data: { title: "Back" }) { id } }',
        )
        expect(again.json.data.createPosts.id).toBe('tx-gone')
      })

      it('a delete and a refused write: the delete is undone', async () => {
        const res = await gql(
          'mutation { d: deletePosts(id: "pub2") { id } x: updatePosts(id: "nope", data: { title: "x" }) { id } }',
        )
        expect(res.json.data).toBeNull()
        expect(res.json.errors[0]).toMatchObject({ path: ['x'], extensions: { code: 'NOT_FOUND' } })
        expect((await blog.req('GET', '/api/posts/pub2')).status).toBe(200)
      })

      it('globals and collections share the transaction', async () => {
        const res = await gql(
          'mutation { s: updateSettings(data: { tagline: "tx tagline" }) { tagline } b: updatePosts(id: "pub", data: { views: -1 }) { id } }',
        )
        expect(res.json.errors[0].path).toEqual(['b'])
        const settings = await blog.req('GET', '/api/globals/settings')
        expect(settings.json.tagline).toBe('Hello')
      })

      it('variables that do not fit are still a 400, and queries are unaffected', async () => {
        const bad = await gql('mutation($d: JSON!) { createPosts(data: $d) { id } }', {})
        expect(bad.status).toBe(400)
        const q = await gql('{ posts { totalDocs } }')
        expect(q.json.data.posts.totalDocs).toBeGreaterThan(0)
      })

      // Found by review: on PostgreSQL two documents writing the same posts in opposite
      // orders deadlocked, and the one the database rolled back answered 500 INTERNAL.
      it('documents writing the same posts in opposite orders: each saves whole or answers 503', async () => {
        for (const id of ['dl-a', 'dl-b'])
          await blog.galley.create({ collection: 'posts', id, data: { title: id }, draft: true })
        const pair = (first: string, second: string, n: number) =>
          `mutation { x: updatePosts(id: "${first}", draft: true, data: { title: "${n}" }) { id } y: updatePosts(id: "${second}", draft: true, data: { title: "${n}" }) { id } }`
        for (let round = 0; round < 4; round++) {
          const answers = await Promise.all(
            [0, 1, 2, 3].map((k) => gql(k % 2 ? pair('dl-b', 'dl-a', k) : pair('dl-a', 'dl-b', k))),
          )
          for (const res of answers) {
            if (!res.json.errors) continue
            expect(res.json.data).toBeNull()
            expect(res.json.errors[0].extensions.code).toBe('STORE_BUSY')
          }
          // Whatever won, both posts carry one document's title: none saved half.
          const [a, b] = await Promise.all([draftOf('dl-a'), draftOf('dl-b')])
          expect(a!.title).toBe(b!.title)
        }
      })
    },
  )
}

describe.skipIf(STORES[1]!.skip)('PostgreSQL: a deadlock between transactions', () => {
  let blog: Blog
  beforeAll(async () => {
    blog = await setupBlog(STORES[1]!)
  })
  afterAll(async () => {
    await blog?.close()
  })

  it('rolls one back with StoreBusyError (503, retry), and the other commits', async () => {
    const g = blog.galley
    for (const id of ['lock-a', 'lock-b'])
      await g.create({ collection: 'posts', id, data: { title: id }, draft: true })
    const save = (tx: typeof g, id: string, title: string) =>
      tx.update({ collection: 'posts', id, draft: true, data: { title } })
    // Each transaction locks one post, waits until the other has locked the other post,
    // then asks for it: a deadlock every time, which PostgreSQL breaks after deadlock_timeout.
    let aHolds!: () => void
    let bHolds!: () => void
    const aHeld = new Promise<void>((r) => (aHolds = r))
    const bHeld = new Promise<void>((r) => (bHolds = r))
    const results = await Promise.allSettled([
      g.transaction(async (tx) => {
        await save(tx, 'lock-a', 'A')
        aHolds()
        await bHeld
        await save(tx, 'lock-b', 'A')
      }),
      g.transaction(async (tx) => {
        await save(tx, 'lock-b', 'B')
        bHolds()
        await aHeld
        await save(tx, 'lock-a', 'B')
      }),
    ])
    const failed = results.filter((r) => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    const err = (failed[0] as PromiseRejectedResult).reason as StoreBusyError
    expect(err).toBeInstanceOf(StoreBusyError)
    expect(err.status).toBe(503)
    expect(err.message).toMatch(/deadlock.*nothing was saved/)
    const winner = results[0]!.status === 'fulfilled' ? 'A' : 'B'
    for (const id of ['lock-a', 'lock-b'])
      expect((await g.findById({ collection: 'posts', id, perspective: 'drafts' }))!.title).toBe(
        winner,
      )
  }, 30_000)
})
