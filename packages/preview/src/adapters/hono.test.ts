import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { fakeValidationClient, inSeconds, KEY_A } from '../../test/fake-validation-client'
import { createHonoDraftModeHandlers, type DraftModeVariables } from './hono'

function app() {
  const draftMode = createHonoDraftModeHandlers({
    client: fakeValidationClient({
      s: { isValid: true, perspective: 'drafts', expiresAt: inSeconds(600) },
    }),
    cookieSecret: KEY_A,
  })
  const hono = new Hono<{ Variables: DraftModeVariables }>()
  hono.get('/api/draft-mode/enable', draftMode.enable)
  hono.all('/api/draft-mode/disable', draftMode.disable)
  hono.use('*', draftMode.middleware)
  hono.get('/page', (c) => c.json(c.get('draftMode')))
  return hono
}

describe('createHonoDraftModeHandlers', () => {
  it('enables, and the middleware exposes the verified state', async () => {
    const hono = app()
    const res = await hono.request(
      'https://site.test/api/draft-mode/enable?galley-preview-secret=s&galley-preview-pathname=/page',
    )
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('/page')
    const cookie = res.headers.getSetCookie()[0].split(';')[0]
    const page = await hono.request('https://site.test/page', { headers: { cookie } })
    expect(await page.json()).toMatchObject({ isEnabled: true, perspective: 'drafts' })
    const forged = await hono.request('https://site.test/page', {
      headers: { cookie: '__galley_draft=drafts' },
    })
    expect(await forged.json()).toMatchObject({ isEnabled: false })
  })

  it('answers 401 for a bad secret, 405 for GET disable, 200 for POST disable', async () => {
    const hono = app()
    expect(
      (await hono.request('https://site.test/api/draft-mode/enable?galley-preview-secret=x'))
        .status,
    ).toBe(401)
    expect((await hono.request('https://site.test/api/draft-mode/disable')).status).toBe(405)
    const post = await hono.request('https://site.test/api/draft-mode/disable', { method: 'POST' })
    expect(post.status).toBe(200)
    expect(post.headers.getSetCookie()).toHaveLength(2)
  })
})
