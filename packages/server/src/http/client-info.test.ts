import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { urlOrigin } from './client-info'

describe('urlOrigin', () => {
  it('reads protocol and host of a serialized URL exactly as URL does (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (raw) => {
        const url = new URL(raw)
        expect(urlOrigin(url.href)).toEqual({ protocol: url.protocol, host: url.host })
      }),
    )
    for (const raw of [
      'http://LOCALHOST:80/a',
      'https://ex.com:8443?x=1',
      'http://[::1]:4000/api',
      'http://u:p@h.example/x',
    ]) {
      const url = new URL(raw)
      expect(urlOrigin(url.href), raw).toEqual({ protocol: url.protocol, host: url.host })
    }
  })
})
