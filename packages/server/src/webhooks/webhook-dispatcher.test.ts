import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhook, WebhookDispatcher } from './webhook-dispatcher'

describe('WebhookDispatcher', () => {
  it('signs the exact body with HMAC-SHA256', () => {
    const body = '{"event":"publish","tags":["posts:a"],"at":"2026-01-01T00:00:00.000Z"}'
    expect(signWebhook(body, 'k'.repeat(16))).toBe(
      `sha256=${createHmac('sha256', 'k'.repeat(16)).update(body).digest('hex')}`,
    )
  })

  it('close() stops waiting retries, so idle() resolves', async () => {
    const calls: string[] = []
    const d = new WebhookDispatcher({
      targets: [{ url: 'http://hook.test/x', secret: 's'.repeat(16) }],
      retry: { attempts: 5, baseDelayMs: 60_000 },
      fetch: async (url) => {
        calls.push(String(url))
        return new Response('no', { status: 500 })
      },
      logger: { warn: () => {} },
    })
    d.emit('publish', ['posts:a', 'posts'])
    await new Promise((r) => setTimeout(r, 20))
    d.close()
    await d.idle()
    expect(calls).toHaveLength(1)
    expect(d.deliveries()[0]).toMatchObject({ attempt: 1, status: 500, ok: false })
  })

  it('emits nothing without targets or tags', async () => {
    let called = false
    const d = new WebhookDispatcher({
      targets: [],
      fetch: async () => ((called = true), new Response()),
      logger: console,
    })
    d.emit('publish', ['x'])
    await d.idle()
    expect(called).toBe(false)
  })
})
