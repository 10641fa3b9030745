// Issue 17: a misconfigured frontend must learn why its enable route refused. A real Galley
// server (SQLite in memory) on a loopback port, the real @galley/client, createDraftMode:
// each cause is named in the answer (text and Galley-Preview-Error) and in one log line, and
// neither ever holds the secret. Test-only imports: the package never imports them.
import { serve, type ServerType } from '@hono/node-server'
import { createClient } from '@galley/client'
import { createGalley, defineConfig, type Galley } from '@galley/core'
import { AuthStore, createServer, withAuth, type GalleyServer } from '@galley/server'
import { sqlite } from '@galley/storage-sqlite'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDraftMode, type ResolvePath } from '../src/index'
import { KEY_A } from './fake-validation-client'

const SITE = 'https://site.example'

let galley: Galley
let api: GalleyServer
let http: ServerType
let url = ''
let tokens: { drafts: string; published: string; write: string }

beforeAll(async () => {
  galley = await createGalley(
    withAuth(
      defineConfig({
        storage: sqlite({ file: ':memory:' }),
        collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }],
      }),
    ),
  )
  const store = new AuthStore(galley)
  tokens = {
    drafts: (await store.createToken({ name: 'site', scope: 'read:drafts' })).token,
    published: (await store.createToken({ name: 'public', scope: 'read:published' })).token,
    write: (await store.createToken({ name: 'studio', scope: 'write' })).token,
  }
  api = createServer({ galley, logger: { error() {}, warn() {} } })
  await new Promise<void>((resolve) => {
    http = serve({ fetch: api.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`
      resolve()
    })
  })
})

afterAll(async () => {
  await new Promise<void>((done) => http?.close(() => done()))
  await api?.close()
  await galley?.close()
})

async function newSecret(ttlSeconds = 3600): Promise<string> {
  const res = await fetch(`${url}/api/preview/secrets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.write}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { secret: string }).secret
}

/** One enable, as an editor's browser would send it, with what was logged meanwhile. */
async function enable(options: {
  token?: string
  galleyUrl?: string
  secret?: string
  resolvePath?: ResolvePath
}) {
  const lines: string[] = []
  const log = (...args: unknown[]) => void lines.push(args.map(String).join(' '))
  const draftMode = createDraftMode({
    client: createClient({ url: options.galleyUrl ?? url, token: options.token }),
    cookieSecret: KEY_A,
    resolvePath: options.resolvePath,
    logger: { warn: log, error: log },
  })
  const secret = options.secret ?? (await newSecret())
  const res = await draftMode.enable(
    new Request(
      `${SITE}/api/draft-mode/enable?galley-preview-secret=${secret}&galley-preview-pathname=/blog/x`,
    ),
  )
  const body = await res.text()
  for (const text of [body, ...lines, JSON.stringify([...res.headers])])
    expect(text).not.toContain(secret)
  expect(res.headers.getSetCookie()).toEqual([])
  expect(lines).toHaveLength(1)
  return { status: res.status, cause: res.headers.get('galley-preview-error'), body, log: lines[0] }
}

describe('the enable route names why it refused, never the secret', () => {
  it('no token: 500, says to configure a read:drafts token', async () => {
    const r = await enable({})
    expect(r).toMatchObject({ status: 500, cause: 'no-token' })
    expect(r.body).toMatch(/no token.*read:drafts/)
    expect(r.log).toMatch(/no-token.*TOKEN_MISSING/)
  })

  it('token refused (unknown or revoked): 502 naming the token', async () => {
    const r = await enable({ token: 'galley_nosuchtoken_0123456789abcdef' })
    expect(r).toMatchObject({ status: 502, cause: 'token-refused' })
    expect(r.body).toMatch(/refused this site's token \(unknown, revoked or expired\)/)
    expect(r.log).toMatch(/token-refused.*HTTP 401, UNAUTHORIZED/)
  })

  it('token without read:drafts: 502 naming the missing scope', async () => {
    const r = await enable({ token: tokens.published })
    expect(r).toMatchObject({ status: 502, cause: 'token-lacks-scope' })
    expect(r.body).toMatch(/read:drafts/)
    expect(r.log).toMatch(/token-lacks-scope.*HTTP 403, FORBIDDEN/)
  })

  it('server unreachable: 502 naming the connection failure', async () => {
    const closed = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' })
    const port = await new Promise<number>((resolve) =>
      closed.once('listening', () => resolve((closed.address() as AddressInfo).port)),
    )
    await new Promise<void>((done) => closed.close(() => done()))
    const r = await enable({
      token: tokens.drafts,
      galleyUrl: `http://127.0.0.1:${port}`,
      secret: 'A'.repeat(43),
    })
    expect(r).toMatchObject({ status: 502, cause: 'unreachable' })
    expect(r.body).toMatch(/Could not reach the Galley server/)
    expect(r.log).toMatch(/unreachable.*NETWORK_ERROR.*ECONNREFUSED/)
  })

  it('secret unknown or expired: 401', async () => {
    const unknown = await enable({ token: tokens.drafts, secret: 'B'.repeat(43) })
    expect(unknown).toMatchObject({ status: 401, cause: 'invalid-secret' })
    expect(unknown.body).toMatch(/does not know it, or it was revoked, used up or has expired/)
    expect(unknown.log).toMatch(/invalid-secret/)
    const secret = await newSecret(1)
    await new Promise((r) => setTimeout(r, 1100))
    expect(await enable({ token: tokens.drafts, secret })).toMatchObject({
      status: 401,
      cause: 'invalid-secret',
    })
  })

  it('path not found: 404, logging the path', async () => {
    const r = await enable({ token: tokens.drafts, resolvePath: () => null })
    expect(r).toMatchObject({ status: 404, cause: 'path-not-found' })
    expect(r.log).toMatch(/path-not-found.*\/blog\/x/)
  })
})
