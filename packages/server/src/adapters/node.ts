import { serve as honoServe } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { GalleyServer } from '../create-server'

/**
 * Request headers, the URL included. Node's default (16 KiB) refused a `where` in its JSON
 * form long before the where language's own limits: URL-encoding makes JSON about 1.7 times
 * longer. 64 KiB holds any where the parser accepts by length; larger filters belong in a
 * GraphQL request's variables (a body).
 */
export const MAX_HEADER_BYTES = 64 * 1024

/**
 * The whole request, headers and body, must arrive within this time. Node's default is 5
 * minutes: a client sending a byte every 20 s held a connection that long (bodies are at
 * most `maxBodyBytes`, 1 MiB by default, which a slow line sends well within a minute).
 */
export const REQUEST_TIMEOUT_MS = 60_000

/**
 * Node answers a request it cannot parse (headers too large, a timeout, bad HTTP) with a
 * bare status line; this one answers in the API's JSON error shape and says what to do.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'INPUT_INVALID',
          `The request's headers, URL included, are larger than ${MAX_HEADER_BYTES / 1024} KiB: send a long filter in the variables of a POST /api/graphql request instead.`,
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'Request Timeout',
            'INPUT_INVALID',
            `The request did not arrive within ${REQUEST_TIMEOUT_MS / 1000} s: send it again.`,
          ]
        : [400, 'Bad Request', 'INPUT_INVALID', 'The request is not valid HTTP/1.1.']
  const body = JSON.stringify({ error: { code, message } })
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/**
 * Listen on Node with @hono/node-server. Resolves once the port is bound.
 * @example const { url, close } = await serveNode(server, { port: 4000 })
 */
export function serveNode(
  server: GalleyServer,
  options: { port?: number; hostname?: string } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const fetch = server.app.fetch
  return new Promise((resolve, reject) => {
    const http = honoServe(
      {
        fetch,
        port: options.port ?? 4000,
        hostname: options.hostname,
        serverOptions: { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: REQUEST_TIMEOUT_MS },
      },
      (info: AddressInfo) => {
        const host =
          options.hostname && options.hostname !== '0.0.0.0' ? options.hostname : 'localhost'
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              void server.close()
              http.close(() => done())
              ;(http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
            }),
        })
      },
    )
    http.once('error', reject)
    http.on('clientError', answerClientError)
  })
}
