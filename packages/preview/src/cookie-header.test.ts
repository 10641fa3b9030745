import { describe, expect, it } from 'vitest'
import { readCookieValues, serializeClearedCookie, serializeCookie } from './cookie-header'

describe('cookie header helpers', () => {
  it('reads every value of a name, and only that name', () => {
    expect(
      readCookieValues('a=1; __galley_draft=x; b=2; __galley_draft="y"', '__galley_draft'),
    ).toEqual(['x', 'y'])
    expect(readCookieValues('x__galley_draft=1', '__galley_draft')).toEqual([])
    expect(readCookieValues(null, '__galley_draft')).toEqual([])
  })

  it('writes the security attributes, Partitioned only when asked', () => {
    const expiresAt = new Date(Date.now() + 3600_000)
    const plain = serializeCookie('n', 'v', { expiresAt, partitioned: false })
    expect(plain).toMatch(
      /^n=v; Path=\/; HttpOnly; Secure; SameSite=None; Expires=.+ GMT; Max-Age=(3599|3600)$/,
    )
    expect(serializeCookie('n', 'v', { expiresAt, partitioned: true })).toMatch(/; Partitioned$/)
    expect(serializeClearedCookie('n', { partitioned: false })).toContain('Max-Age=0')
  })
})
