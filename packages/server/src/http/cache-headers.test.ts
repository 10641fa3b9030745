import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { appendVary, etagOf, ifNoneMatchHits } from './cache-headers'

describe('cache headers', () => {
  it('etagOf is a strong, quoted hash of the body', () => {
    expect(etagOf('{"a":1}')).toMatch(/^"[A-Za-z0-9_-]{32}"$/)
    expect(etagOf('{"a":1}')).toBe(etagOf('{"a":1}'))
    expect(etagOf('{"a":1}')).not.toBe(etagOf('{"a":2}'))
  })

  it('etagOf is the SHA-256 of the UTF-8 body (one-shot hash, same tags as before)', () => {
    for (const body of ['', '{"a":1}', '{"t":"Grüße ✓ 🚀"}', 'x'.repeat(100_000)]) {
      const sha = createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)
      expect(etagOf(body)).toBe(`"${sha}"`)
    }
  })

  it('If-None-Match matches lists, weak tags and *', () => {
    const e = etagOf('x')
    expect(ifNoneMatchHits(e, e)).toBe(true)
    expect(ifNoneMatchHits(`"a", W/${e}`, e)).toBe(true)
    expect(ifNoneMatchHits('*', e)).toBe(true)
    expect(ifNoneMatchHits('"other"', e)).toBe(false)
    expect(ifNoneMatchHits(null, e)).toBe(false)
  })

  it('appendVary adds names once', () => {
    const h = new Headers({ Vary: 'Authorization, Cookie' })
    appendVary(h, 'Origin', 'cookie')
    expect(h.get('Vary')).toBe('Authorization, Cookie, Origin')
  })
})
