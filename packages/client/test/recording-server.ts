import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the server saw. */
export interface Recorded {
  method: string
  /** Path and query exactly as sent. */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

/** What a test's handler answers. */
export interface Reply {
  status?: number
  json?: unknown
  text?: string
  headers?: Record<string, string>
}

/** A real HTTP server on 127.0.0.1:0 that records requests and answers via `handle`. */
export interface RecordingServer {
  url: string
  requests: Recorded[]
  handle: (request: Recorded) => Reply
  close(): Promise<void>
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const state: RecordingServer = {
    url: '',
    requests: [],
    handle: () => ({ json: {} }),
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      state.requests.push(recorded)
      const reply = state.handle(recorded)
      res.statusCode = reply.status ?? 200
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v)
      if (reply.json !== undefined) {
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify(reply.json))
      } else {
        res.end(reply.text ?? '')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return state
}
