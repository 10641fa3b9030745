/**
 * bench/http: requests/s of `GET /api/posts?where[slug][equals]=…` through the Galley
 * server, in `published` and in `drafts`, against a ceiling: a bare Hono route on the same
 * Node HTTP adapter returning the same JSON. autocannon runs in a worker thread so the load
 * generator does not share the server's event loop. Targets (issue 3): published ≥ 50% of
 * the ceiling, drafts ≥ 40%.
 */
// @ts-expect-error autocannon ships no types; we use run(options) → { requests.average, non2xx, errors }
import autocannon from 'autocannon'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createServer, serveNode } from '@galley/server'
import { seededGalley } from './seeded-galley'

export interface HttpBenchResult {
  ceiling: number
  published: number
  drafts: number
  publishedShare: number
  draftsShare: number
}

const SLUG_REQUEST = fileURLToPath(new URL('./slug-request.cjs', import.meta.url))

export async function runHttpBench(opts: {
  seconds: number
  connections: number
  log?: (s: string) => void
}): Promise<HttpBenchResult> {
  const log = opts.log ?? console.log
  const { galley, token, cleanup } = await seededGalley()
  const server = createServer({ galley })
  const api = await serveNode(server, { port: 0, hostname: '127.0.0.1' })

  // The ceiling answers with the very JSON Galley sends for one slug, whatever the query.
  const sample = await (await fetch(`${api.url}/api/posts?where[slug][equals]=post-1`)).text()
  const bare = new Hono().get('/api/posts', (c) =>
    c.body(sample, 200, { 'content-type': 'application/json' }),
  )
  const ceilingServer = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => ceilingServer.once('listening', r))
  const ceilingUrl = `http://127.0.0.1:${(ceilingServer.address() as AddressInfo).port}`

  const measure = async (url: string, draft: boolean) => {
    const result: { requests: { average: number }; non2xx: number; errors: number } =
      await autocannon({
        url,
        connections: opts.connections,
        duration: opts.seconds,
        workers: 1,
        headers: draft ? { authorization: `Bearer ${token}` } : {},
        requests: [
          {
            path: `/api/posts?perspective=${draft ? 'drafts' : 'published'}`,
            setupRequest: SLUG_REQUEST,
          },
        ],
      })
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
    return result.requests.average
  }
  try {
    // Warm up, then take the three in turns, twice (ceiling, published, drafts; drafts,
    // published, ceiling), so load that comes and goes on this shared VM favours none.
    await measure(ceilingUrl, false)
    await measure(api.url, false)
    let ceiling = 0
    let published = 0
    let drafts = 0
    ceiling += await measure(ceilingUrl, false)
    published += await measure(api.url, false)
    drafts += await measure(api.url, true)
    drafts += await measure(api.url, true)
    published += await measure(api.url, false)
    ceiling += await measure(ceilingUrl, false)
    const r = {
      ceiling: ceiling / 2,
      published: published / 2,
      drafts: drafts / 2,
      publishedShare: published / ceiling,
      draftsShare: drafts / ceiling,
    }
    log(`HTTP  ceiling (bare Hono, same JSON)   ${Math.round(r.ceiling)} req/s`)
    log(
      `HTTP  Galley published find by slug    ${Math.round(r.published)} req/s  = ${(100 * r.publishedShare).toFixed(0)}% of ceiling (target ≥ 50%: ${r.publishedShare >= 0.5 ? 'PASS' : 'FAIL'})`,
    )
    log(
      `HTTP  Galley drafts find by slug       ${Math.round(r.drafts)} req/s  = ${(100 * r.draftsShare).toFixed(0)}% of ceiling (target ≥ 40%: ${r.draftsShare >= 0.4 ? 'PASS' : 'FAIL'})`,
    )
    return r
  } finally {
    ceilingServer.close()
    await api.close()
    await galley.close()
    cleanup()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = !!process.env.GALLEY_BENCH_QUICK
  await runHttpBench({ seconds: quick ? 3 : 10, connections: 10 })
}
