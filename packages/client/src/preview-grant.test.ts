import fc from 'fast-check'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { spellingArb } from '../../perspectives/test/spellings'
import { startRecordingServer, type RecordingServer } from '../test/recording-server'
import { createClient, isPreviewEnded } from './create-client'
import { GalleyClientError } from './galley-client-error'

const page = { docs: [], totalDocs: 0, limit: 10, page: 1, totalPages: 0 }
let api: RecordingServer
let cdn: RecordingServer

beforeAll(async () => {
  api = await startRecordingServer()
  cdn = await startRecordingServer()
})
afterAll(async () => {
  await api.close()
  await cdn.close()
})
beforeEach(() => {
  api.requests.length = 0
  cdn.requests.length = 0
  api.handle = () => ({ json: page })
  cdn.handle = api.handle
})

describe('previewGrant', () => {
  it('goes with every read, published ones too, and none of them goes to the CDN', async () => {
    const client = createClient({
      url: api.url,
      token: 't',
      perspective: 'drafts',
      previewGrant: '01jgrant',
      useCdn: true,
      cdnUrl: cdn.url,
    })
    await client.find('posts')
    await client.findById('posts', 'p1', { perspective: 'spring,drafts' })
    await client.findGlobal('settings')
    await client.find('posts', { perspective: 'published' })
    await client.findById('posts', 'p1', { perspective: 'published' })
    await client.findGlobal('settings', { perspective: 'published' })
    // A session in `published` ends with its grant too (found by review: a revoked link of
    // perspective `published` kept its session, marks and token reads, for an hour).
    expect(api.requests.map((r) => r.headers['galley-preview-grant'])).toEqual([
      '01jgrant',
      '01jgrant',
      '01jgrant',
      '01jgrant',
      '01jgrant',
      '01jgrant',
    ])
    expect(cdn.requests).toHaveLength(0)
    // Without a grant, published reads still use the CDN.
    const cdnClient = createClient({ url: api.url, useCdn: true, cdnUrl: cdn.url })
    await cdnClient.find('posts')
    expect(cdn.requests).toHaveLength(1)
    expect(cdn.requests[0].headers['galley-preview-grant']).toBeUndefined()
    await client.fetch('/api/posts?perspective=drafts', { headers: { 'x-a': 'b' } })
    expect(api.requests.at(-1)!.headers).toMatchObject({
      'galley-preview-grant': '01jgrant',
      'x-a': 'b',
    })
  })

  it('refuses a malformed grant up front', () => {
    for (const previewGrant of ['', 'a b', 'x'.repeat(65), 'ü'])
      expect(() => createClient({ url: api.url, previewGrant })).toThrow(/previewGrant/)
  })

  it('turns PREVIEW_ENDED into an error isPreviewEnded recognises', async () => {
    api.handle = () => ({
      status: 403,
      json: { error: { code: 'PREVIEW_ENDED', message: 'This preview has ended.' } },
    })
    const client = createClient({ url: api.url, token: 't', previewGrant: 'g1' })
    const error = await client.find('posts', { perspective: 'drafts' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GalleyClientError)
    expect(isPreviewEnded(error)).toBe(true)
    expect(isPreviewEnded(new GalleyClientError('FORBIDDEN', 403, 'no'))).toBe(false)
  })
})

describe('perspective spellings over HTTP', () => {
  it('property: a read sends the canonical perspective, or throws a TypeError before any request', async () => {
    const client = createClient({ url: api.url, token: 't' })
    await fc.assert(
      fc.asyncProperty(spellingArb, async (s) => {
        api.requests.length = 0
        const result = await client
          .find('posts', { perspective: s.input as never })
          .then(() => 'sent')
          .catch((e: unknown) => e)
        if (s.canonical === null) {
          expect(result, s.how).toBeInstanceOf(TypeError)
          expect(api.requests, s.how).toHaveLength(0)
        } else {
          expect(result, s.how).toBe('sent')
          expect(api.requests[0].query.get('perspective'), s.how).toBe(s.canonical)
        }
      }),
      { numRuns: 300 },
    )
  })
})
