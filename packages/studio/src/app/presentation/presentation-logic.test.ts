import { describe, expect, it } from 'vitest'
import { diagnoseConfig, diagnoseTimeout } from './diagnose'
import { decodeFieldPath, documentKey, parseDocumentKey } from './frontend-connection'
import { documentAt, pathOf, type PresentationConfig } from './locations'

const config: PresentationConfig = {
  url: 'http://localhost:3000',
  origin: 'http://localhost:3000',
  enableUrl: 'http://localhost:3000/api/draft',
  allowOrigins: ['http://localhost:3000'],
  locations: [
    { collection: 'posts', path: '/posts/:slug' },
    { global: 'settings', path: '/about' },
  ],
  initialPath: '/',
}
const studio = 'http://127.0.0.1:4000'
const base = { config, studioOrigin: studio, rejectedOrigins: [], versionMismatch: undefined }

describe('presentation: paths and documents', () => {
  it('maps a document to its path and a path back to the document', () => {
    const values = { slug: 'hello world/x', title: 'T' }
    const path = pathOf(config.locations, { kind: 'collection', slug: 'posts', values })
    expect(path).toBe('/posts/hello%20world%2Fx')
    expect(documentAt(config.locations, path!)).toEqual({
      kind: 'collection',
      slug: 'posts',
      where: { slug: 'hello world/x' },
    })
    expect(pathOf(config.locations, { kind: 'collection', slug: 'posts', values: {} })).toBeNull()
    expect(documentAt(config.locations, '/about/')).toMatchObject({
      kind: 'global',
      slug: 'settings',
    })
    expect(documentAt(config.locations, '/posts/a/b')).toBeNull()
    expect(documentAt(config.locations, '/posts/%E0%A4%A')).toBeNull()
  })

  it('reads document keys as marks write them', () => {
    const key = documentKey('collection', 'posts', 'a.b~c/d')
    expect(key).toBe('posts/a%2Eb%7Ec%2Fd')
    expect(parseDocumentKey(key)).toEqual({ kind: 'collection', slug: 'posts', id: 'a.b~c/d' })
    expect(parseDocumentKey('~settings')).toEqual({ kind: 'global', slug: 'settings', id: null })
    expect(parseDocumentKey('nope')).toBeNull()
    expect(decodeFieldPath('blocks.0.we%2Eird')).toBe('blocks.0.we.ird')
  })
})

describe('presentation: why the frontend did not connect', () => {
  it('names a frontend outside allowOrigins and http inside https before loading anything', () => {
    expect(
      diagnoseConfig({ ...config, allowOrigins: ['https://x.example'] }, {
        protocol: 'http:',
      } as Location),
    ).toMatch(/http:\/\/localhost:3000 is not in allowOrigins \(https:\/\/x.example\)/)
    expect(diagnoseConfig(config, { protocol: 'https:' } as Location)).toMatch(
      /https but the frontend over http/,
    )
    expect(diagnoseConfig(config, { protocol: 'http:' } as Location)).toBeNull()
  })

  it('names the cause the probe found, in the order a person fixes them', () => {
    const ok = { status: 200 }
    expect(
      diagnoseTimeout({ ...base, rejectedOrigins: ['http://evil.example'], page: ok, enable: ok }),
    ).toMatch(/answered from http:\/\/evil.example, which is not in allowOrigins/)
    expect(
      diagnoseTimeout({
        ...base,
        page: ok,
        enable: { status: 401, previewError: 'invalid-secret' },
      }),
    ).toMatch(/enable route answered 401 \(invalid-secret\)/)
    expect(diagnoseTimeout({ ...base, page: ok, enable: { status: 404 } })).toMatch(
      /answered 404.*enable route at \/api\/draft/,
    )
    expect(
      diagnoseTimeout({ ...base, page: { status: 200, xFrameOptions: 'SAMEORIGIN' }, enable: ok }),
    ).toMatch(/X-Frame-Options: SAMEORIGIN/)
    expect(
      diagnoseTimeout({
        ...base,
        page: { status: 200, frameAncestors: "frame-ancestors 'self'" },
        enable: ok,
      }),
    ).toMatch(/frame-ancestors 'self'.*Add http:\/\/127.0.0.1:4000/)
    expect(
      diagnoseTimeout({
        ...base,
        page: { status: 200, frameAncestors: `frame-ancestors ${studio}` },
        enable: ok,
      }),
    ).toMatch(/overlay script is not loaded/)
    expect(
      diagnoseTimeout({ ...base, page: ok, enable: { status: 0, error: 'unreachable' } }),
    ).toMatch(/could not reach the frontend's enable route/)
  })
})
