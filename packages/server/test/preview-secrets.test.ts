import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'
import { ENABLE_URL, serverOn, shiftClock, storedSecrets, until } from './helpers/preview'

for (const store of STORES) {
  describe.skipIf(store.skip)(`POST /api/preview/secrets (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, { preview: { url: ENABLE_URL } })
    })
    afterAll(async () => {
      await blog?.close()
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    const create = (body: unknown, token = blog.tokens.drafts) =>
      blog.req('POST', '/api/preview/secrets', { token, body })

    it('needs a user or token that may read drafts', async () => {
      const anonymous = await blog.req('POST', '/api/preview/secrets', { body: {} })
      expect(anonymous.status).toBe(401)
      expect(anonymous.json.error.code).toBe('UNAUTHORIZED')
      const published = await create({}, blog.tokens.published)
      expect(published.status).toBe(403)
      expect(published.json.error.message).toMatch(/read:drafts/)
      expect((await create({}, blog.tokens.drafts)).status).toBe(201)
      expect((await create({}, blog.tokens.write)).status).toBe(201)
    })

    it('a signed-in viewer makes one with the CSRF token, never without', async () => {
      const { cookie, csrf } = await blog.login('viewer@example.com')
      const without = await blog.req('POST', '/api/preview/secrets', { cookie, body: {} })
      expect(without.status).toBe(403)
      const res = await blog.req('POST', '/api/preview/secrets', { cookie, csrf, body: {} })
      expect(res.status).toBe(201)
      const stored = (await storedSecrets(blog)).find(
        (d) => d.hash === createHash('sha256').update(res.json.secret).digest('hex'),
      )
      expect(stored).toMatchObject({ kind: 'secret', createdBy: 'viewer@example.com' })
    })

    it('answers 32 random bytes in base64url, 1 h expiry, drafts and a ready preview URL', async () => {
      const before = Date.now()
      const res = await create({ pathname: '/blog/hello?x=1' })
      expect(res.status).toBe(201)
      expect(res.headers.get('cache-control')).toMatch(/no-store/)
      const { secret, expiresAt, perspective, singleUse, previewUrl } = res.json
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
      expect(perspective).toBe('drafts')
      expect(singleUse).toBe(false)
      const ttl = Date.parse(expiresAt) - before
      expect(ttl).toBeGreaterThanOrEqual(3600_000 - 1000)
      expect(ttl).toBeLessThanOrEqual(3600_000 + 5000)
      const url = new URL(previewUrl)
      expect(`${url.origin}${url.pathname}`).toBe(ENABLE_URL)
      expect(url.searchParams.get('galley-preview-secret')).toBe(secret)
      expect(url.searchParams.get('galley-preview-pathname')).toBe('/blog/hello?x=1')
      const other = await create({})
      expect(other.json.secret).not.toBe(secret)
    })

    it('stores only the SHA-256, the perspective, the creator and the expiry', async () => {
      const res = await create({ perspective: ['spring', 'drafts'], ttlSeconds: 120 })
      expect(res.json.perspective).toBe('spring,drafts')
      const all = await storedSecrets(blog)
      expect(JSON.stringify(all)).not.toContain(res.json.secret)
      const hash = createHash('sha256').update(res.json.secret).digest('hex')
      const doc = all.find((d) => d.hash === hash)!
      expect(doc).toMatchObject({
        kind: 'secret',
        perspective: 'spring,drafts',
        createdBy: 'token:preview',
        expiresAt: res.json.expiresAt,
      })
      expect(doc.createdAt).toEqual(expect.any(String))
    })

    it('takes ttlSeconds up to 7 days, and says what to change otherwise', async () => {
      const week = await create({ ttlSeconds: 7 * 24 * 3600 })
      expect(week.status).toBe(201)
      for (const ttlSeconds of [0, -5, 1.5, 7 * 24 * 3600 + 1]) {
        const res = await create({ ttlSeconds })
        expect(res.status).toBe(400)
        expect(res.json.error.message).toMatch(/ttlSeconds must be a whole number from 1 to 604800/)
      }
    })

    it('refuses a malformed perspective, pathname or body', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ perspective: 'raw' }, /never 'raw'/],
        [{ perspective: ' raw' }, /never 'raw'/],
        [{ perspective: ['raw'] }, /never 'raw'/],
        [{ perspective: 'RAW' }, /reserved/],
        [{ perspective: 'no spaces allowed' }, /perspective/i],
        [{ perspective: ['raw', 'drafts'] }, /raw/],
        [{ pathname: '//evil.example/x' }, /pathname/],
        [{ pathname: 'https://evil.example' }, /pathname/],
        [{ pathname: '/a\\b' }, /pathname/],
        [{ pathname: '/a\nb' }, /pathname/],
        [{ singleUse: 'yes' }, /singleUse/],
        [{ extra: 1 }, /perspective.*pathname.*ttlSeconds/],
        [[], /JSON/],
      ]
      for (const [body, message] of cases) {
        const res = await create(body)
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.json.error.message).toMatch(message)
      }
      const query = await blog.req('POST', '/api/preview/secrets?ttlSeconds=5', {
        token: blog.tokens.drafts,
        body: {},
      })
      expect(query.status).toBe(400)
    })

    it('has no preview URL when no frontend is configured', async () => {
      const bare = serverOn(blog)
      try {
        const res = await bare.req('POST', '/api/preview/secrets', {
          token: blog.tokens.drafts,
          body: { pathname: '/x' },
        })
        expect(res.status).toBe(201)
        expect(res.json.previewUrl).toBeUndefined()
      } finally {
        await bare.close()
      }
    })

    it('is never readable through the REST or GraphQL APIs', async () => {
      await create({})
      const rest = await blog.req('GET', '/api/galley-preview-secrets', {
        token: blog.tokens.write,
      })
      expect(rest.status).toBe(404)
      const gql = await blog.req('POST', '/api/graphql', {
        token: blog.tokens.write,
        body: { query: '{ __schema { queryType { fields { name } } } }' },
      })
      expect(gql.text).not.toMatch(/preview/i)
    })

    it('expires: after its TTL it no longer validates and is deleted', async () => {
      const res = await create({ ttlSeconds: 60 })
      const validate = () =>
        blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          body: { secret: res.json.secret },
        })
      expect((await validate()).json.isValid).toBe(true)
      shiftClock(61_000)
      expect((await validate()).json).toEqual({
        isValid: false,
        perspective: null,
        expiresAt: null,
        grant: null,
      })
      const hash = createHash('sha256').update(res.json.secret).digest('hex')
      expect((await storedSecrets(blog)).some((d) => d.hash === hash)).toBe(false)
    })

    it('deletes expired secrets when a new one is made', async () => {
      const old = await create({ ttlSeconds: 30 })
      const hash = createHash('sha256').update(old.json.secret).digest('hex')
      expect((await storedSecrets(blog)).some((d) => d.hash === hash)).toBe(true)
      shiftClock(31_000)
      await create({})
      const left = await storedSecrets(blog)
      expect(left.some((d) => d.hash === hash)).toBe(false)
      expect(
        left.every((d) => d.expiresAt === null || Date.parse(String(d.expiresAt)) > Date.now()),
      ).toBe(true)
    })

    it('sweeps expired secrets periodically, and close() stops the sweep', async () => {
      const swept = serverOn(blog, { preview: { sweepIntervalMs: 20 } })
      const hashOf = (s: string) => createHash('sha256').update(s).digest('hex')
      const present = async (h: string) => (await storedSecrets(blog)).some((d) => d.hash === h)
      try {
        const res = await swept.req('POST', '/api/preview/secrets', {
          token: blog.tokens.drafts,
          body: { ttlSeconds: 5 },
        })
        const hash = hashOf(res.json.secret)
        await new Promise((r) => setTimeout(r, 60))
        expect(await present(hash)).toBe(true) // alive secrets stay
        shiftClock(6000)
        expect(await until(async () => !(await present(hash)))).toBe(true)
      } finally {
        await swept.close()
      }
      // Made through the main server, whose sweep runs only every 10 minutes.
      const later = await create({ ttlSeconds: 5 })
      shiftClock(6000)
      await new Promise((r) => setTimeout(r, 100))
      expect(await present(hashOf(later.json.secret))).toBe(true)
    })
  })
}
