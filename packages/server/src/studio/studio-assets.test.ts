import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import type { ServerEnv } from '../server-context'
import { studioAssets } from './studio-assets'

const root = mkdtempSync(join(tmpdir(), 'studio-assets-'))
const dist = join(root, 'dist')
mkdirSync(join(dist, 'assets'), { recursive: true })
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>')
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
writeFileSync(join(root, 'secret.txt'), 'do not serve')

const app = new Hono<ServerEnv>().route('/admin', studioAssets(dist))
const get = (path: string) => app.request(`http://localhost${path}`)

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the Studio at /admin', () => {
  it.each([
    '/admin',
    '/admin/',
    '/admin/collections/posts',
    '/admin/collections/posts/abc/history',
  ])('%s answers the app page (deep links and reloads land in the app)', async (path) => {
    const res = await get(path)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<div id="root">')
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
  })

  it('serves hashed assets with immutable caching', async () => {
    const res = await get('/admin/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(await res.text()).toBe('console.log(1)')
  })

  it.each([
    '/admin/assets/missing.js',
    '/admin/assets/../../secret.txt',
    '/admin/assets/..%2f..%2fsecret.txt',
    '/admin/assets/%2e%2e/%2e%2e/secret.txt',
    '/admin/assets/..%5c..%5csecret.txt',
    '/admin/assets/',
  ])('answers 404 to %s and never a file outside the build', async (path) => {
    const res = await get(path)
    const body = await res.text()
    expect(body).not.toContain('do not serve')
    if (res.status === 200) expect(body).toContain('<div id="root">')
    else expect(res.status).toBe(404)
  })

  it('answers 503 with how to build when there is no build', async () => {
    const empty = new Hono<ServerEnv>().route('/admin', studioAssets(join(root, 'nothing')))
    const res = await empty.request('http://localhost/admin/collections/posts')
    expect(res.status).toBe(503)
    expect(await res.text()).toMatch(/npm run build -w @galley\/studio/)
  })
})
