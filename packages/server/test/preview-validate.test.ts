import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'
import { ENABLE_URL, serverOn, shiftClock } from './helpers/preview'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

for (const store of STORES) {
  describe.skipIf(store.skip)(`POST /api/preview/validate (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store, {
        preview: { url: ENABLE_URL, rateLimit: { maxFailures: 1000 } },
      })
    })
    afterAll(async () => {
      await blog?.close()
    })
    afterEach(() => {
      vi.useRealTimers()
      vi.restoreAllMocks()
    })

    const newSecret = async (body: Record<string, unknown> = {}) =>
      (await blog.req('POST', '/api/preview/secrets', { token: blog.tokens.write, body })).json
        .secret as string
    const validate = (secret: unknown, token = blog.tokens.drafts) =>
      blog.req('POST', '/api/preview/validate', { token, body: { secret } })

    it("needs the frontend's read:drafts token (or better)", async () => {
      const secret = await newSecret()
      const anonymous = await blog.req('POST', '/api/preview/validate', { body: { secret } })
      expect(anonymous.status).toBe(401)
      expect((await validate(secret, blog.tokens.published)).status).toBe(403)
      expect((await validate(secret, blog.tokens.write)).json.isValid).toBe(true)
      const ok = await validate(secret)
      expect(ok.status).toBe(200)
      expect(ok.headers.get('cache-control')).toMatch(/no-store/)
      expect(ok.json).toEqual({
        isValid: true,
        perspective: 'drafts',
        expiresAt: expect.any(String),
        grant: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      })
    })

    it('answers the perspective and expiry bound to the secret', async () => {
      const res = await blog.req('POST', '/api/preview/secrets', {
        token: blog.tokens.write,
        body: { perspective: 'published', ttlSeconds: 90 },
      })
      expect((await validate(res.json.secret)).json).toEqual({
        isValid: true,
        perspective: 'published',
        expiresAt: res.json.expiresAt,
        grant: expect.any(String),
      })
    })

    it('says isValid: false for unknown, malformed or empty secrets', async () => {
      const secret = await newSecret()
      const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1)
      for (const s of [
        flipped,
        secret.slice(1),
        `${secret}A`,
        '',
        ' '.repeat(43),
        secret.toUpperCase(),
      ]) {
        if (s === secret) continue
        const res = await validate(s)
        expect(res.status).toBe(200)
        expect(res.json).toEqual({
          isValid: false,
          perspective: null,
          expiresAt: null,
          grant: null,
        })
      }
      expect((await validate(secret)).json.isValid).toBe(true)
    })

    it('wants exactly { secret: string } as JSON, and never repeats what it was sent', async () => {
      const secret = await newSecret()
      const bodies = [
        { raw: `{"secret": ${secret}}`, type: 'application/json', status: 400 },
        { raw: `{"secret": "${secret}", "x": 1}`, type: 'application/json', status: 400 },
        { raw: `{"secret": ["${secret}"]}`, type: 'application/json', status: 400 },
        { raw: `"${secret}"`, type: 'application/json', status: 400 },
        { raw: `secret=${secret}`, type: 'application/x-www-form-urlencoded', status: 415 },
      ]
      for (const b of bodies) {
        const res = await blog.req('POST', '/api/preview/validate', {
          token: blog.tokens.drafts,
          raw: b.raw,
          headers: { 'content-type': b.type },
        })
        expect(res.status, b.raw).toBe(b.status)
        expect(res.text).not.toContain(secret)
      }
      const big = await blog.req('POST', '/api/preview/validate', {
        token: blog.tokens.drafts,
        body: { secret: `${secret}${'x'.repeat(5000)}` },
      })
      expect(big.status).toBe(413)
      expect(big.text).not.toContain(secret)
    })

    it('refuses a secret in the URL without repeating it', async () => {
      const secret = await newSecret()
      for (const path of [
        `/api/preview/validate?secret=${secret}`,
        `/api/preview/validate?${secret}`,
        `/api/preview/validate/${secret}`,
      ]) {
        const res = await blog.req('POST', path, { token: blog.tokens.drafts, body: { secret } })
        expect(res.status).toBeGreaterThanOrEqual(400)
        expect(res.text).not.toContain(secret)
      }
      const get = await blog.req('GET', `/api/preview/validate?secret=${secret}`, {
        token: blog.tokens.drafts,
      })
      expect(get.status).toBe(404)
      expect(get.text).not.toContain(secret)
    })

    it('a single-use secret works exactly once', async () => {
      const secret = await newSecret({ singleUse: true })
      expect((await validate(secret)).json.isValid).toBe(true)
      expect((await validate(secret)).json.isValid).toBe(false)
    })

    it('a single-use secret validated by 12 racing requests succeeds exactly once', async () => {
      for (let round = 0; round < 3; round++) {
        const secret = await newSecret({ singleUse: true })
        const answers = await Promise.all(Array.from({ length: 12 }, () => validate(secret)))
        expect(answers.every((a) => a.status === 200)).toBe(true)
        expect(answers.filter((a) => a.json.isValid)).toHaveLength(1)
      }
    })

    it('a reusable secret validates until it expires', async () => {
      const secret = await newSecret({ ttlSeconds: 100 })
      for (let i = 0; i < 3; i++) expect((await validate(secret)).json.isValid).toBe(true)
      shiftClock(99_000)
      expect((await validate(secret)).json.isValid).toBe(true)
      shiftClock(2_000)
      expect((await validate(secret)).json.isValid).toBe(false)
    })

    it('rate-limits wrong guesses per token (when maxTokenFailures is set), then per address, with Retry-After', async () => {
      shiftClock(0) // before the limiter exists: it keeps a reference to Date.now
      const limited = serverOn(blog, {
        preview: { rateLimit: { maxFailures: 3, windowMs: 60_000, maxTokenFailures: 3 } },
      })
      try {
        const check = (secret: string, token: string) =>
          limited.req('POST', '/api/preview/validate', { token, body: { secret } })
        const good = await newSecret()
        const wrong = 'A'.repeat(43)
        for (let i = 0; i < 3; i++)
          expect((await check(wrong, blog.tokens.drafts)).json.isValid).toBe(false)
        const blocked = await check(good, blog.tokens.drafts)
        expect(blocked.status).toBe(429)
        expect(blocked.json.error.code).toBe('RATE_LIMITED')
        const retry = Number(blocked.headers.get('retry-after'))
        expect(retry).toBeGreaterThan(0)
        expect(retry).toBeLessThanOrEqual(60)
        expect(blocked.text).not.toContain(good)
        // Another token from the same address still works, until its own limit; the
        // address (6 failures counted) now blocks signed-in users from it.
        expect((await check(good, blog.tokens.write)).json.isValid).toBe(true)
        for (let i = 0; i < 3; i++)
          expect((await check(wrong, blog.tokens.write)).json.isValid).toBe(false)
        expect((await check(good, blog.tokens.write)).status).toBe(429)
        const { cookie, csrf } = await blog.login('viewer@example.com')
        const bySession = await limited.req('POST', '/api/preview/validate', {
          cookie,
          csrf,
          body: { secret: good },
        })
        expect(bySession.status).toBe(429) // the address is over its limit
        shiftClock(61_000)
        const again = await check(good, blog.tokens.drafts)
        expect(again.json.isValid, again.text).toBe(true)
      } finally {
        await limited.close()
      }
    })

    it('counts only wrong guesses: good secrets never use up the limit', async () => {
      const limited = serverOn(blog, {
        preview: { rateLimit: { maxFailures: 2, maxTokenFailures: 2 } },
      })
      try {
        const good = await newSecret()
        const check = (secret: string) =>
          limited.req('POST', '/api/preview/validate', {
            token: blog.tokens.drafts,
            body: { secret },
          })
        expect((await check('C'.repeat(43))).json.isValid).toBe(false)
        for (let i = 0; i < 10; i++) expect((await check(good)).json.isValid).toBe(true)
        expect((await check('D'.repeat(43))).json.isValid).toBe(false)
        expect((await check(good)).status).toBe(429)
      } finally {
        await limited.close()
      }
    })

    it('parallel wrong guesses cannot slip past the limit', async () => {
      const limited = serverOn(blog, {
        preview: { rateLimit: { maxFailures: 5, maxTokenFailures: 5 } },
      })
      try {
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            limited.req('POST', '/api/preview/validate', {
              token: blog.tokens.drafts,
              body: { secret: `${'B'.repeat(41)}${ALPHABET[i]}${ALPHABET[i]}` },
            }),
          ),
        )
        const statuses = answers.map((a) => a.status)
        expect(statuses.filter((s) => s === 200)).toHaveLength(5)
        expect(statuses.filter((s) => s === 429)).toHaveLength(25)
      } finally {
        await limited.close()
      }
    })

    it('attack: junk sent through the frontend never blocks a genuine secret (default limits)', async () => {
      const limited = serverOn(blog, { preview: { rateLimit: { maxFailures: 3 } } })
      try {
        const good = await newSecret()
        const check = (secret: string) =>
          limited.req('POST', '/api/preview/validate', {
            token: blog.tokens.drafts,
            body: { secret },
          })
        // Anonymous visitors of the frontend send malformed and well-formed junk; the
        // frontend validates it all with its one read:drafts token, from its one address.
        for (let i = 0; i < 20; i++) {
          expect((await check(`junk-${i}`)).json.isValid).toBe(false)
          expect((await check(`${'Q'.repeat(41)}${ALPHABET[i]}${ALPHABET[i]}`)).json.isValid).toBe(
            false,
          )
        }
        const genuine = await check(good)
        expect(genuine.status).toBe(200)
        expect(genuine.json.isValid).toBe(true)
      } finally {
        await limited.close()
      }
    })

    it('malformed secrets are not counted, even for signed-in users; well-formed wrong ones are', async () => {
      const limited = serverOn(blog, { preview: { rateLimit: { maxFailures: 2 } } })
      try {
        const good = await newSecret()
        const { cookie, csrf } = await blog.login('editor@example.com')
        const check = (secret: string) =>
          limited.req('POST', '/api/preview/validate', { cookie, csrf, body: { secret } })
        for (const junk of ['', 'x', ' '.repeat(43), `${good}A`, good.slice(1), '!'.repeat(43)])
          for (let i = 0; i < 3; i++) expect((await check(junk)).json.isValid).toBe(false)
        expect((await check(good)).json.isValid).toBe(true)
        for (let i = 0; i < 2; i++) expect((await check('R'.repeat(43))).json.isValid).toBe(false)
        expect((await check(good)).status).toBe(429)
      } finally {
        await limited.close()
      }
    })

    it('property: no string but the secret validates, and no answer repeats what it was sent', async () => {
      const secret = await newSecret()
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ minLength: 12, maxLength: 80 }),
            fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
            // One character of the real secret changed.
            fc
              .tuple(fc.nat({ max: 42 }), fc.constantFrom(...ALPHABET))
              .map(([i, ch]) => secret.slice(0, i) + ch + secret.slice(i + 1)),
          ),
          async (guess) => {
            const res = await validate(guess)
            if (guess === secret) return res.json.isValid === true
            expect(res.status).toBe(200)
            expect(res.json.isValid).toBe(false)
            expect(res.text).not.toContain(guess)
            return true
          },
        ),
        { numRuns: 120 },
      )
    })

    it('property: secrets are distinct 32-byte base64url strings', async () => {
      const res = await Promise.all(Array.from({ length: 40 }, () => newSecret({ ttlSeconds: 60 })))
      expect(new Set(res).size).toBe(40)
      for (const s of res) expect(Buffer.from(s, 'base64url').toString('base64url')).toBe(s)
      // Every base64url character shows up across 40 × 43 characters of randomness.
      expect(new Set(res.join('')).size).toBeGreaterThan(60)
    })
  })
}
