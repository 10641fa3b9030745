import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../src/index'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

/**
 * Writes inside a larger transaction (a GraphQL mutation document, a user update with a
 * password) answer a unique clash as the field's validation error, check access before the
 * password's rules, and hash passwords before the transaction opens.
 */
for (const store of STORES) {
  describe.skipIf(store.skip)(`user and unique writes inside transactions (${store.name})`, () => {
    let blog: Blog
    let admin: { cookie: string; csrf: string }
    const gql = (query: string, variables?: Record<string, unknown>) =>
      blog.req('POST', '/api/graphql', { body: { query, variables }, ...admin })

    beforeAll(async () => {
      blog = await setupBlog(store)
      admin = await blog.login('admin@example.com')
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('a unique clash in a mutation document is VALIDATION_FAILED on its field, and nothing is kept', async () => {
      const clash = await gql(
        'mutation { a: createPosts(id: "u-a", data: { title: "A", slug: "u-one" }) { id } b: createPosts(id: "u-b", data: { title: "B", slug: "u-one" }) { id } }',
      )
      expect(clash.status).toBe(200)
      expect(clash.json.data).toBeNull()
      expect(clash.json.errors).toHaveLength(1)
      expect(clash.json.errors[0]).toMatchObject({
        path: ['b'],
        extensions: { code: 'VALIDATION_FAILED' },
      })
      expect(clash.json.errors[0].extensions.fields[0].path).toBe('slug')
      expect(await blog.galley.findById({ collection: 'posts', id: 'u-a' })).toBeNull()
      // With an existing document too, and an existing email in createUsers.
      const taken = await gql(
        'mutation { createPosts(data: { title: "C", slug: "published-post" }) { id } }',
      )
      expect(taken.json.errors[0].extensions.code).toBe('VALIDATION_FAILED')
      const email = await gql(
        'mutation { createUsers(data: { email: "viewer@example.com", password: "another fine phrase" }) { id } }',
      )
      expect(email.json.errors[0].extensions.code).toBe('VALIDATION_FAILED')
      expect(email.json.errors[0].extensions.fields[0].path).toBe('email')
    })

    it('a user update that sets a password and a taken email is a 422, not a 500', async () => {
      const viewer = (await blog.store.findUserByEmail('viewer@example.com'))!
      const res = await blog.req('PATCH', `/api/users/${viewer.id}`, {
        body: { email: 'admin@example.com', password: 'fine long words' },
        ...admin,
      })
      expect(res.status, res.text).toBe(422)
      expect(res.json.error.fields[0].path).toBe('email')
      // The old password still works: nothing was kept.
      expect((await blog.login('viewer@example.com')).res.status).toBe(200)
    })

    it('changing a password checks access before the password rules', async () => {
      const viewer = (await blog.store.findUserByEmail('viewer@example.com'))!
      const editor = await blog.login('editor@example.com')
      for (const who of [{}, { token: blog.tokens.write }, editor]) {
        const rest = await blog.req('PATCH', `/api/users/${viewer.id}`, {
          body: { password: 'x' },
          ...who,
        })
        expect([401, 403], rest.text).toContain(rest.status)
        expect(rest.text).not.toMatch(/at least 8|commonly used/)
      }
      const gqlAnon = await blog.req('POST', '/api/graphql', {
        body: {
          query: `mutation { updateUsers(id: "${viewer.id}", data: { password: "x" }) { id } }`,
        },
      })
      expect(gqlAnon.text).not.toMatch(/at least 8|commonly used/)
      expect(['UNAUTHORIZED', 'FORBIDDEN']).toContain(gqlAnon.json.errors[0].extensions.code)
    })

    it('passwords of a mutation document are hashed before its transaction opens', async () => {
      const start = performance.now()
      await hashPassword('one hash to time it')
      const oneHash = performance.now() - start
      const galley = blog.galley
      const transaction = galley.transaction.bind(galley)
      const spans: number[] = []
      galley.transaction = (async (fn: Parameters<typeof transaction>[0]) => {
        const t0 = performance.now()
        try {
          return await transaction(fn)
        } finally {
          spans.push(performance.now() - t0)
        }
      }) as typeof galley.transaction
      try {
        const res = await gql(
          'mutation { a: createUsers(data: { email: "pre-a@example.com", password: "first fine phrase" }) { id } b: createUsers(data: { email: "pre-b@example.com", password: "first fine phrase" }) { id } }',
        )
        expect(res.json.errors).toBeUndefined()
      } finally {
        galley.transaction = transaction
      }
      // Two scrypt hashes inside would make the transaction last at least two hash times.
      expect(spans).toHaveLength(1)
      expect(spans[0]!).toBeLessThan(oneHash)
      // Each user got its own salt, and both sign in.
      for (const email of ['pre-a@example.com', 'pre-b@example.com'])
        expect((await blog.login(email, { password: 'first fine phrase' })).res.status, email).toBe(
          200,
        )
    })
  })
}
