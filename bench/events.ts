// Live events (issue 14's target): a publish delivered to 500 connected listeners, p99 at
// most 200 ms, on SQLite (one API process) and across 3 API processes on one PostgreSQL
// (GALLEY_BENCH_POSTGRES_URL, else skipped). Listeners are anonymous `GET /api/events`
// streams over loopback from this process, spread evenly over the API processes; each round
// saves a draft (which no listener hears) and publishes it through the first process's REST
// API, timing from the publish request to each listener's copy of the event (after 5
// untimed publishes that compile the delivery path).
// Run alone: NODE_OPTIONS=--conditions=@galley/source npx tsx bench/events.ts
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dropSchemas } from './lib/pg-schema'

export interface EventBenchResult {
  store: 'sqlite' | 'postgres'
  processes: number
  listeners: number
  publishes: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

const TARGET_P99_MS = 200
const SERVER = fileURLToPath(new URL('./lib/events-server.ts', import.meta.url))

async function startServers(n: number, target: string, schema?: string) {
  const children: ChildProcess[] = []
  const urls: string[] = []
  for (let i = 0; i < n; i++) {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@galley/source',
        '--import',
        'tsx',
        SERVER,
        target,
        ...(schema ? [schema] : []),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    children.push(child)
    urls.push(
      await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout!.on('data', (d: Buffer) => {
          out += String(d)
          const m = /port (\d+) token (\S+)/.exec(out)
          if (m) resolve(`http://127.0.0.1:${m[1]}|${m[2]}`)
        })
        child.once('exit', (code) => reject(new Error(`events server exited (${code}): ${out}`)))
      }),
    )
  }
  return {
    urls: urls.map((u) => u.split('|')[0]!),
    token: urls[urls.length - 1]!.split('|')[1]!,
    stop: () =>
      Promise.all(
        children.map(
          (c) =>
            new Promise<void>((done) => {
              if (c.exitCode !== null) return done()
              c.once('exit', () => done())
              c.stdin!.end()
              setTimeout(() => c.kill('SIGKILL'), 5000).unref()
            }),
        ),
      ),
  }
}

/** One anonymous listener: resolves `waiters` when a publish event arrives. */
async function listen(url: string, onPublish: () => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`${url}/api/events`, { signal })
  if (!res.ok || !res.body) throw new Error(`GET /api/events: ${res.status}`)
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let ready: () => void = () => {}
  const isReady = new Promise<void>((r) => (ready = r))
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let at: number
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          if (block.includes('event: ready')) ready()
          else if (block.includes('"operation":"publish"')) onPublish()
        }
      }
    } catch {
      // aborted at the end
    }
  })()
  await isReady
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

async function measure(
  store: 'sqlite' | 'postgres',
  processes: number,
  target: string,
  schema: string | undefined,
  listeners: number,
  publishes: number,
): Promise<EventBenchResult> {
  const servers = await startServers(processes, target, schema)
  const abort = new AbortController()
  try {
    let started = 0
    let pending = 0
    let roundDone: () => void = () => {}
    const samples: number[] = []
    const onPublish = () => {
      samples.push(performance.now() - started)
      if (--pending === 0) roundDone()
    }
    // Connect in batches, spread over the processes.
    for (let i = 0; i < listeners; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, listeners - i) }, (_, j) =>
          listen(servers.urls[(i + j) % processes]!, onPublish, abort.signal),
        ),
      )
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${servers.urls[0]}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${servers.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => {
        if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`)
      })
    await api('POST', '/posts?draft=true', { id: 'bench', title: 'Bench' })
    // The first publishes also compile the delivery path in every process: not timed.
    const warmup = 5
    for (let round = -warmup; round < publishes; round++) {
      await api('PATCH', '/posts/bench?draft=true', { title: `Bench ${round}` })
      const done = new Promise<void>((r) => (roundDone = r))
      pending = listeners
      started = performance.now()
      await api('POST', '/posts/bench/publish')
      await Promise.race([
        done,
        new Promise((_, reject) =>
          setTimeout(
            () =>
              reject(new Error(`round ${round}: ${pending} listeners still waiting after 10 s`)),
            10_000,
          ),
        ),
      ])
      if (round < 0) samples.length = 0
    }
    samples.sort((a, b) => a - b)
    return {
      store,
      processes,
      listeners,
      publishes,
      p50Ms: percentile(samples, 0.5),
      p99Ms: percentile(samples, 0.99),
      maxMs: samples.at(-1)!,
    }
  } finally {
    abort.abort()
    await servers.stop()
  }
}

export async function runEventBench(listeners = 500, publishes = 30): Promise<EventBenchResult[]> {
  const out: EventBenchResult[] = []
  const dir = mkdtempSync(join(tmpdir(), 'galley-events-bench-'))
  try {
    out.push(await measure('sqlite', 1, join(dir, 'data.db'), undefined, listeners, publishes))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const url = process.env.GALLEY_BENCH_POSTGRES_URL
  if (url) {
    const schema = `bench_ev_${randomBytes(4).toString('hex')}`
    try {
      out.push(await measure('postgres', 3, url, schema, listeners, publishes))
    } finally {
      await dropSchemas(url, [schema])
    }
  }
  return out
}

/** One line per store, with the target and its verdict. */
export function renderEventBench(r: EventBenchResult): string {
  const verdict = r.p99Ms <= TARGET_P99_MS ? 'PASS' : 'FAIL'
  return `- ${r.store}, ${r.processes} API process${r.processes > 1 ? 'es' : ''}: a publish to ${r.listeners} listeners, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms over ${r.publishes} publishes (target p99 ≤ ${TARGET_P99_MS} ms: ${verdict})`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runEventBench()) console.log(renderEventBench(r))
}
