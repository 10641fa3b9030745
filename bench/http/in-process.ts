/**
 * bench/http/in-process: microseconds per request of the bench's slug lookups through the
 * Galley server on @hono/node-server's request listener, with a fake socket instead of the
 * network (no syscalls, no second core), beside the bare Hono ceiling on the same listener.
 * Best of several rounds, since the machine is noisy.
 * @example npx tsx bench/http/in-process.ts
 */
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { Writable } from 'node:stream'
import { createServer, serveNode, type ServerOptions } from '@galley/server'
import { DOCS, seededGalley } from './seeded-galley'

type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

/** One request through a listener with an in-memory socket; resolves when the response ends. */
function request(listener: Listener, path: string, headers: [string, string][]): Promise<void> {
  const socket = new Socket()
  const req = new IncomingMessage(socket)
  req.method = 'GET'
  req.url = path
  req.httpVersion = '1.1'
  const raw = ['Host', '127.0.0.1', ...headers.flat()]
  req.rawHeaders = raw
  for (let i = 0; i < raw.length; i += 2) req.headers[raw[i]!.toLowerCase()] = raw[i + 1]!
  req.push(null)
  const res = new ServerResponse(req)
  const sink = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as Socket
  res.assignSocket(sink)
  return new Promise((resolve) => {
    res.on('finish', () => resolve())
    void listener(req, res)
  })
}

async function perRequest(
  listener: Listener,
  base: string,
  headers: [string, string][],
  n: number,
): Promise<number> {
  let best = Infinity
  for (let round = 0; round < 8; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++)
      await request(listener, `${base}&where[slug][equals]=post-${(i * 7919) % DOCS}`, headers)
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / n)
  }
  return best
}

export async function profilePublished(n = 60000): Promise<void> {
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const { galley, cleanup } = await seededGalley()
  const server = createServer({ galley })
  const api = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
  const listener = getRequestListener(server.app.fetch) as Listener
  await perRequest(listener, '/api/posts?perspective=published', [], 3000)
  const s = new Session()
  s.connect()
  await s.post('Profiler.enable')
  await s.post('Profiler.setSamplingInterval', { interval: 50 })
  await s.post('Profiler.start')
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++)
    await request(
      listener,
      `/api/posts?perspective=published&where[slug][equals]=post-${(i * 7919) % DOCS}`,
      [],
    )
  console.log('µs/request', Number(process.hrtime.bigint() - t0) / 1000 / n)
  const { profile } = await s.post('Profiler.stop')
  writeFileSync('/tmp/prof-http.cpuprofile', JSON.stringify(profile))
  await api.close()
  await galley.close()
  cleanup()
}

export async function runInProcessBench(
  options: Partial<ServerOptions> = {},
  n = 4000,
): Promise<{ ceiling: number; published: number; drafts: number }> {
  const { galley, token, cleanup } = await seededGalley()
  const server = createServer({ galley, ...options })
  // serveNode replaces the global Response with node-server's lighter one, as in production.
  const api = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
  const listener = getRequestListener(server.app.fetch) as Listener
  const sample = await (await fetch(`${api.url}/api/posts?where[slug][equals]=post-1`)).text()
  const bare = new Hono().get('/api/posts', (c) =>
    c.body(sample, 200, { 'content-type': 'application/json' }),
  )
  const ceilingListener = getRequestListener(bare.fetch) as Listener
  try {
    const ceiling = await perRequest(ceilingListener, '/api/posts?perspective=published', [], n)
    const published = await perRequest(listener, '/api/posts?perspective=published', [], n)
    const drafts = await perRequest(
      listener,
      '/api/posts?perspective=drafts',
      [['Authorization', `Bearer ${token}`]],
      n,
    )
    return { ceiling, published, drafts }
  } finally {
    await api.close()
    await galley.close()
    cleanup()
  }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes('--profile')) {
  await profilePublished()
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const off = process.argv.includes('--no-cache')
  const r = await runInProcessBench(off ? ({ responseCache: false } as Partial<ServerOptions>) : {})
  console.log(
    `in-process µs/request${off ? ' (responseCache: false)' : ''}: ceiling ${r.ceiling.toFixed(1)}, published ${r.published.toFixed(1)}, drafts ${r.drafts.toFixed(1)}`,
  )
}
