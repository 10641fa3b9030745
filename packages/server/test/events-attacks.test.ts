import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } })

describe('GET /api/events under a listener flood (sqlite)', () => {
  let blog: Blog
  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!, {
      jobs: false,
      events: { maxListeners: 40, heartbeatMs: 60_000 },
    })
  })
  afterAll(async () => {
    await blog?.close()
  })

  it('lets one client hold only its share of the listeners, so others still connect', async () => {
    const open: Response[] = []
    let refused: Response | undefined
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await blog.server.app.request('http://localhost/api/events', {}, from('10.0.0.1'))
      if (res.status === 200) open.push(res)
      else refused = res
    }
    try {
      // The flooding client is told to back off before it holds every slot...
      expect(refused?.status).toBe(429)
      expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/)
      expect((await refused!.json()).error.message).toMatch(/This client holds/)
      expect(open.length).toBeLessThan(40)
      // ...and another client still gets a stream.
      const other = await blog.server.app.request(
        'http://localhost/api/events',
        {},
        from('10.0.0.2'),
      )
      expect(other.status).toBe(200)
      await other.body!.cancel()
      // A closed stream gives its slot back.
      await open.pop()!.body!.cancel()
      await new Promise((r) => setTimeout(r, 20))
      const again = await blog.server.app.request(
        'http://localhost/api/events',
        {},
        from('10.0.0.1'),
      )
      expect(again.status).toBe(200)
      await again.body!.cancel()
    } finally {
      for (const res of open) await res.body!.cancel().catch(() => {})
    }
  })
})
