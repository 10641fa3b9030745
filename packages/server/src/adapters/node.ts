import { serve as honoServe } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { GalleyServer } from '../create-server'

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
      { fetch, port: options.port ?? 4000, hostname: options.hostname },
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
  })
}
