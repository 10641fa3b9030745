import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const ids = (res: { json: any }) => res.json.docs.map((d: any) => d.id).sort()

for (const store of STORES) {
  describe.skipIf(store.skip)(`REST queries (${store.name})`, () => {
    let blog: Blog
    beforeAll(async () => {
      blog = await setupBlog(store)
    })
    afterAll(async () => {
      await blog?.close()
    })

    it('where in bracket form: where[field][op]=value', async () => {
      expect(ids(await blog.req('GET', '/api/posts?where[title][equals]=Second%20Post'))).toEqual([
        'pub2',
      ])
      expect(ids(await blog.req('GET', '/api/posts?where[views][gt]=15'))).toEqual([
        'changed',
        'pub2',
      ])
      expect(
        ids(await blog.req('GET', '/api/posts?where[views][gte]=10&where[views][lt]=25')),
      ).toEqual(['changed', 'pub'])
      expect(ids(await blog.req('GET', '/api/posts?where[featured][equals]=true'))).toEqual(['pub'])
      expect(ids(await blog.req('GET', '/api/posts?where[title][like]=post'))).toEqual([
        'pub',
        'pub2',
      ])
      expect(ids(await blog.req('GET', '/api/posts?where[seo.title][exists]=true'))).toEqual([
        'pub',
      ])
    })

    it('where with in / not_in as a comma list or indexed brackets', async () => {
      expect(ids(await blog.req('GET', '/api/posts?where[id][in]=pub,pub2'))).toEqual([
        'pub',
        'pub2',
      ])
      expect(
        ids(await blog.req('GET', '/api/posts?where[id][in][0]=pub&where[id][in][1]=changed')),
      ).toEqual(['changed', 'pub'])
      expect(ids(await blog.req('GET', '/api/posts?where[id][not_in]=pub'))).toEqual([
        'changed',
        'pub2',
      ])
      expect(ids(await blog.req('GET', '/api/posts?where[tags][contains]=guides'))).toEqual([
        'changed',
        'pub2',
      ])
    })

    it('nested or / and in bracket form', async () => {
      const or = await blog.req(
        'GET',
        '/api/posts?where[or][0][title][equals]=Published%20Post&where[or][1][views][equals]=30',
      )
      expect(ids(or)).toEqual(['pub', 'pub2'])
      const nested = await blog.req(
        'GET',
        '/api/posts?where[and][0][or][0][id][equals]=pub&where[and][0][or][1][id][equals]=pub2&where[and][1][views][gt]=15',
      )
      expect(ids(nested)).toEqual(['pub2'])
    })

    it('where as JSON', async () => {
      const w = encodeURIComponent(
        JSON.stringify({ or: [{ title: { equals: 'Published Post' } }, { views: { gte: 30 } }] }),
      )
      expect(ids(await blog.req('GET', `/api/posts?where=${w}`))).toEqual(['pub', 'pub2'])
    })

    it('malformed where is a 400 that says what is wrong', async () => {
      const cases: Array<[string, RegExp]> = [
        ['where[nope][equals]=1', /'nope' is not a field/],
        ['where[title][sounds_like]=x', /unknown operator 'sounds_like'/],
        ['where[views][equals]=abc', /number field/],
        ['where={bad json', /not valid JSON/],
        ['where=[1,2]', /JSON object/],
        ['where={"title":{"equals":"x"}}&where[title][equals]=y', /either as JSON/],
        ['where[title][equals]=a&where[title][equals]=b', /given twice/],
        ['where[title]=x&where[title][equals]=y', /contradicts|given twice/],
        ['where[__proto__][x]=1', /not allowed/],
        ['where[][equals]=1', /empty brackets/],
        [`where${'[a]'.repeat(21)}=1`, /deeper/],
        ['where[or][a][title][equals]=x', /numbered/],
        ['where[or][5000][title][equals]=x', /larger than/],
      ]
      for (const [q, msg] of cases) {
        const res = await blog.req('GET', `/api/posts?${q}`)
        expect(res.status, q).toBe(400)
        expect(res.json.error.code, q).toBe('QUERY_INVALID')
        expect(res.json.error.message, q).toMatch(msg)
      }
    })

    it('unknown or repeated parameters are a 400 naming the allowed ones', async () => {
      const res = await blog.req('GET', '/api/posts?limt=5')
      expect(res.status).toBe(400)
      expect(res.json.error.message).toMatch(
        /Unknown query parameter 'limt'.*Allowed: where, limit/,
      )
      expect((await blog.req('GET', '/api/posts?limit=1&limit=2')).status).toBe(400)
      expect((await blog.req('GET', '/api/posts/pub?sort=title')).status).toBe(400)
    })

    it('limit, page and sort', async () => {
      const p1 = await blog.req('GET', '/api/posts?limit=2&page=1&sort=-views')
      expect(p1.json.docs.map((d: any) => d.id)).toEqual(['pub2', 'changed'])
      expect(p1.json).toMatchObject({
        totalDocs: 3,
        totalPages: 2,
        hasNextPage: true,
        hasPrevPage: false,
      })
      const p2 = await blog.req('GET', '/api/posts?limit=2&page=2&sort=-views')
      expect(p2.json.docs.map((d: any) => d.id)).toEqual(['pub'])
      const multi = await blog.req('GET', '/api/posts?sort=featured,-title')
      expect(multi.status).toBe(200)
      expect((await blog.req('GET', '/api/posts?limit=abc')).status).toBe(400)
      expect((await blog.req('GET', '/api/posts?limit=5000')).status).toBe(400)
      expect((await blog.req('GET', '/api/posts?page=0')).status).toBe(400)
      expect((await blog.req('GET', '/api/posts?sort=nope')).status).toBe(400)
    })

    it('depth populates relationships with what the caller may see', async () => {
      const res = await blog.req('GET', '/api/posts?depth=1&sort=title')
      const byId = Object.fromEntries(res.json.docs.map((d: any) => [d.id, d]))
      expect(byId.pub.author).toMatchObject({ id: 'ada', name: 'Ada Lovelace' })
      expect(byId.pub2.author).toBe('ghost') // draft-only author: stays a bare id
      const drafts = await blog.req('GET', '/api/posts/pub2?depth=1&draft=true', {
        token: blog.tokens.drafts,
      })
      expect(drafts.json.author).toMatchObject({ id: 'ghost' })
      expect((await blog.req('GET', '/api/posts?depth=99')).status).toBe(400)
    })

    it('perspectives: drafts, raw, draft=true, stacked releases', async () => {
      const t = blog.tokens.drafts
      const drafts = await blog.req('GET', '/api/posts?perspective=drafts&sort=title', { token: t })
      expect(ids(drafts)).toEqual(['changed', 'draft', 'pub', 'pub2'])
      expect(drafts.json.docs.find((d: any) => d.id === 'changed').title).toMatch(
        /Changed .* Title/,
      )
      const flag = await blog.req('GET', '/api/posts?draft=true', { token: t })
      expect(ids(flag)).toEqual(ids(drafts))
      const raw = await blog.req('GET', '/api/posts?perspective=raw&limit=100', { token: t })
      expect(
        raw.json.docs
          .filter((d: any) => d.id === 'changed')
          .map((d: any) => d._variant)
          .sort(),
      ).toEqual(['draft', 'published'])
      await blog.galley.update({
        collection: 'posts',
        id: 'pub',
        data: { title: 'Spring title' },
        release: 'spring',
      })
      const stacked = await blog.req('GET', '/api/posts/pub?perspective=spring,drafts', {
        token: t,
      })
      expect(stacked.json).toMatchObject({ title: 'Spring title', _variant: 'release:spring' })
      const published = await blog.req('GET', '/api/posts/pub?perspective=published', { token: t })
      expect(published.json.title).toBe('Published Post')
      expect((await blog.req('GET', '/api/posts?perspective=bogus!', { token: t })).status).toBe(
        400,
      )
    })

    it('filters and sorts apply to the resolved content of the perspective', async () => {
      const t = blog.tokens.drafts
      expect(
        ids(await blog.req('GET', '/api/posts?where[views][equals]=99&draft=true', { token: t })),
      ).toEqual(['changed'])
      expect(ids(await blog.req('GET', '/api/posts?where[views][equals]=99'))).toEqual([])
      expect(ids(await blog.req('GET', '/api/posts?where[views][equals]=20'))).toEqual(['changed'])
    })
  })
}
