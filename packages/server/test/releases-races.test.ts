import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Releases } from '@galley/core'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const later = (ms: number) => new Date(Date.now() + ms).toISOString()

for (const store of STORES) {
  describe.skipIf(store.skip)(`release races (${store.name})`, () => {
    let blog: Blog
    let releases: Releases
    beforeAll(async () => {
      blog = await setupBlog(store, { jobs: false })
      releases = new Releases(blog.galley)
    })
    afterAll(async () => {
      await blog?.close()
    })

    const w = () => blog.tokens.write
    const publishes = async (id: string) =>
      (await blog.galley.listRevisions({ collection: 'posts', id, limit: 100 })).docs.filter(
        (r) => r.action === 'publish',
      ).length
    async function filled(title: string) {
      const { json } = await blog.req('POST', '/api/releases', { token: w(), body: { title } })
      await blog.req('PATCH', `/api/posts/pub?release=${json.id}`, {
        token: w(),
        body: { title: `${title} pub` },
      })
      await blog.req('PATCH', `/api/posts/pub2?release=${json.id}`, {
        token: w(),
        body: { title: `${title} pub2` },
      })
      return json.id as string
    }

    it('publishes a release once when two publishes race', async () => {
      const id = await filled('Twice')
      const before = [await publishes('pub'), await publishes('pub2')]
      const res = await Promise.all(
        [0, 1, 2].map(() => blog.req('POST', `/api/releases/${id}/publish`, { token: w() })),
      )
      expect(
        res.map((r) => r.status).sort(),
        res.map((r) => r.text.slice(0, 200)).join('\n'),
      ).toEqual([200, 409, 409])
      expect([await publishes('pub'), await publishes('pub2')]).toEqual(before.map((n) => n + 1))
      expect((await blog.req('GET', '/api/posts/pub')).json.title).toBe('Twice pub')
    })

    it('publishes once when a manual publish races the schedule firing', async () => {
      const id = await filled('Racing')
      await blog.req('POST', `/api/releases/${id}/schedule`, {
        token: w(),
        body: { publishAt: later(60_000) },
      })
      const before = await publishes('pub')
      const [manual, job] = await Promise.all([
        blog.req('POST', `/api/releases/${id}/publish`, { token: w() }),
        releases.runDueJob('racer', later(120_000)).catch((e: Error) => e),
      ])
      await releases.runDueJob('racer', later(120_000)) // a runner kept waiting polls again
      expect(await publishes('pub')).toBe(before + 1)
      const [scheduled] = await releases.listSchedules({ releaseId: id })
      // Exactly one of them did it; the job is never left pending.
      if (manual.status === 200) expect(scheduled!.state).toBe('cancelled')
      else expect(scheduled!.state).toBe('done')
      expect(job instanceof Error).toBe(false)
      expect((await releases.get({ id })).state).toBe('published')
    })

    it('leaves all or nothing when a release is deleted while it publishes', async () => {
      const id = await filled('Doomed')
      const before = (await blog.req('GET', '/api/posts/pub')).json.title
      const [pub, del] = await Promise.all([
        blog.req('POST', `/api/releases/${id}/publish`, { token: w() }),
        blog.req('DELETE', `/api/releases/${id}`, { token: w() }),
      ])
      expect(del.status).toBe(200)
      const titles = [
        (await blog.req('GET', '/api/posts/pub')).json.title,
        (await blog.req('GET', '/api/posts/pub2')).json.title,
      ]
      if (pub.status === 200) expect(titles).toEqual(['Doomed pub', 'Doomed pub2'])
      else {
        expect(pub.status).toBe(404)
        expect(titles[0]).toBe(before)
        expect(titles[1]).not.toBe('Doomed pub2')
      }
      const raw = await blog.galley.find({ collection: 'posts', perspective: 'raw', limit: 100 })
      expect(raw.docs.filter((d) => d._variant === `release:${id}`)).toEqual([])
    })

    it('does not publish an archived release when archive races its schedule', async () => {
      const id = await filled('Shelved')
      await blog.req('POST', `/api/releases/${id}/schedule`, {
        token: w(),
        body: { publishAt: later(60_000) },
      })
      const before = await publishes('pub')
      const [arch] = await Promise.all([
        blog.req('POST', `/api/releases/${id}/archive`, { token: w() }),
        releases.runDueJob('racer', later(120_000)).catch((e: Error) => e),
      ])
      // A runner that was kept waiting polls again.
      await releases.runDueJob('racer', later(120_000))
      const release = await releases.get({ id })
      const [job] = await releases.listSchedules({ releaseId: id })
      expect(arch.status).toBe(200) // archiving a published release is allowed too
      expect(release.state).toBe('archived')
      if (job!.state === 'done') {
        // The schedule fired first: all of it published, then it was archived.
        expect(release.publishedAt).not.toBeNull()
        expect(await publishes('pub')).toBe(before + 1)
      } else {
        expect(job!.state).toBe('cancelled')
        expect(release.publishedAt).toBeNull()
        expect(await publishes('pub')).toBe(before)
      }
      if (arch.status !== 200) {
        expect(release.state).toBe('published')
        expect(await publishes('pub')).toBe(before + 1)
      }
      expect(job!.state).not.toBe('pending')
    })
  })
}

for (const store of STORES) {
  describe.skipIf(store.skip)(`release writes racing its publish (${store.name})`, () => {
    it('leaves no content behind a release that was published meanwhile', async () => {
      const blog = await setupBlog(store, { jobs: false })
      try {
        const w = blog.tokens.write
        for (let round = 0; round < 3; round++) {
          const { json: rel } = await blog.req('POST', '/api/releases', {
            token: w,
            body: { title: `Round ${round}` },
          })
          const writes = ['pub', 'pub2', 'changed'].map((id) =>
            blog.req('PATCH', `/api/posts/${id}?release=${rel.id}`, {
              token: w,
              body: { views: 100 + round },
            }),
          )
          const publish = blog.req('POST', `/api/releases/${rel.id}/publish`, { token: w })
          const done = await Promise.all([...writes, publish])
          for (const res of done) expect([200, 409, 422]).toContain(res.status)
          const state = (await blog.req('GET', `/api/releases/${rel.id}`, { token: w })).json.state
          const raw = await blog.galley.find({
            collection: 'posts',
            perspective: 'raw',
            limit: 100,
          })
          const left = raw.docs.filter((d) => d._variant === `release:${rel.id}`)
          if (state === 'published') expect(left.map((d) => d.id)).toEqual([])
        }
      } finally {
        await blog.close()
      }
    })
  })
}
