import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode } from '../src/index'
import { setupBlog, type Blog } from './helpers/blog'
import { STORES } from './helpers/stores'

// A client that goes away while sending its body is not a server fault: nothing is logged as
// an unexpected error, nothing is written, and the server goes on answering.
describe('serveNode: a client that drops the connection mid-body', () => {
  let blog: Blog
  let port: number
  let close: () => Promise<void>
  const logged: unknown[][] = []
  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!, {
      logger: { error: (...args: unknown[]) => logged.push(args), warn: () => {} },
    })
    ;({ port, close } = await serveNode(blog.server, { port: 0, hostname: '127.0.0.1' }))
  })
  afterAll(async () => {
    await close?.()
    await blog?.close()
  })

  /** Send the head and part of a body that says it is longer, then drop the connection. */
  const dropMidBody = (method: string, path: string, body: string) =>
    new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.on('connect', () => {
        const head = [
          `${method} ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          `Authorization: Bearer ${blog.tokens.write}`,
          'Content-Type: application/json',
          `Content-Length: ${body.length + 5000}`,
        ]
        socket.write(`${head.join('\r\n')}\r\n\r\n${body}`, () => {
          // Let the server start reading the body before the client goes away.
          setTimeout(() => {
            socket.destroy()
            resolve()
          }, 50)
        })
      })
      socket.on('error', () => {})
    })

  it('is not logged as an unexpected error, and writes nothing', async () => {
    const before = (await blog.galley.find({ collection: 'posts', perspective: 'raw' })).totalDocs
    await dropMidBody('POST', '/api/posts?draft=true', '{"title":"half a')
    await dropMidBody('PATCH', '/api/posts/pub?draft=true', '{"title":"half a')
    await dropMidBody('PATCH', '/api/globals/settings?draft=true', '{"siteName":"half')
    // Give the server time to notice the end of the stream and finish each request.
    await new Promise((r) => setTimeout(r, 300))
    expect(logged.map((args) => String(args[0]))).toEqual([])
    expect((await blog.galley.find({ collection: 'posts', perspective: 'raw' })).totalDocs).toBe(
      before,
    )
    const res = await fetch(`http://127.0.0.1:${port}/api/posts/pub`)
    expect(res.status).toBe(200)
  })
})
