import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sanitizeRedirect, withBypassParams } from './sanitize-redirect'

const ORIGIN = 'https://site.test'

/** What must hold for every output, whatever the input. */
function assertSafe(out: string) {
  expect(out.startsWith('/')).toBe(true)
  expect(out[1]).not.toBe('/')
  expect(out.includes('\\')).toBe(false)
  expect(/[\u0000-\u001F\u007F-\u009F]/.test(out)).toBe(false)
  expect(new URL(out, ORIGIN).origin).toBe(ORIGIN)
  // Also against a base with a deep path, as a browser resolving Location would.
  expect(new URL(out, ORIGIN + '/api/draft-mode/enable?x=1').origin).toBe(ORIGIN)
  for (const name of new URL(out, ORIGIN).searchParams.keys()) {
    expect(name.toLowerCase()).not.toMatch(/^galley-preview-/)
  }
}

const HOSTILE = [
  '//evil.test',
  '///evil.test',
  '////evil.test/a',
  '/\\evil.test',
  '\\\\evil.test',
  '\\/evil.test',
  '/\\/evil.test',
  'https://evil.test',
  'HTTPS://evil.test/x',
  'http:evil.test',
  'https:/evil.test',
  `${ORIGIN}/same-origin-but-absolute`,
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:x',
  'mailto:a@evil.test',
  ' //evil.test',
  '\t//evil.test',
  '\n//evil.test',
  '\u0000//evil.test',
  '\u000b//evil.test',
  '\u00a0//evil.test',
  '\ufeff//evil.test',
  '/\t/evil.test',
  '/\n/evil.test',
  '/\r\n/evil.test',
  '/%09/evil.test',
  '/%0a/evil.test',
  '/%0d%0a/evil.test',
  '/blog%00',
  '%2F%2Fevil.test',
  '/%2Fevil.test',
  '/%2F%2Fevil.test',
  '/%252Fevil.test',
  '/%25252Fevil.test',
  '%5C%5Cevil.test',
  '/%5Cevil.test',
  '/%255Cevil.test',
  '/%5c%5cevil.test',
  '%6A%61vascript:alert(1)',
  'javascript%3Aalert(1)',
  '%2568ttps://evil.test',
  '/.//evil.test',
  '/./\\evil.test',
  '/%2e//evil.test',
  '/%2e%2e//evil.test',
  '/a/../..//evil.test',
  '/a/%2e%2e/%2e%2e//evil.test',
  '/%2e%2e%2f%2fevil.test',
  '/%2F%2Fevil.test%ZZ', // a malformed escape must not stop decoding of the rest
  '/%2F%E0%A4%A/evil.test',
  '//site.test@evil.test',
  'https://site.test@evil.test',
  'https://evil.test\\@site.test',
  '',
  'blog/relative',
  '?q=1',
  '#top',
  '%' + '25'.repeat(20) + '2F',
]

describe('sanitizeRedirect', () => {
  it.each(HOSTILE)('turns %j into /', (input) => {
    expect(sanitizeRedirect(input, ORIGIN)).toBe('/')
  })

  it.each([
    ['/', '/'],
    ['/blog/hello', '/blog/hello'],
    ['/blog/hello?a=1&b=2#top', '/blog/hello?a=1&b=2#top'],
    ['/caf\u00e9', '/caf%C3%A9'],
    ['/a b', '/a%20b'],
    ['/blog/100%25', '/blog/100%25'],
    ['/@evil.test', '/@evil.test'],
    ['/search?q=https://example.org', '/search?q=https://example.org'],
    ['/a/./b/../c', '/a/c'],
  ])('keeps %j as %j', (input, expected) => {
    expect(sanitizeRedirect(input, ORIGIN)).toBe(expected)
  })

  it('strips the secret parameters, whatever their case, and keeps the rest', () => {
    const out = sanitizeRedirect(
      '/blog/x?galley-preview-secret=s3cret&a=1&Galley-Preview-Pathname=/y&galley-preview-perspective=drafts#h',
      ORIGIN,
    )
    expect(out).toBe('/blog/x?a=1#h')
    expect(sanitizeRedirect('/x?galley-preview-secret=s3cret', ORIGIN)).toBe('/x')
  })

  it('treats null, undefined and over-long targets as /', () => {
    expect(sanitizeRedirect(null, ORIGIN)).toBe('/')
    expect(sanitizeRedirect(undefined, ORIGIN)).toBe('/')
    expect(sanitizeRedirect('/' + 'a'.repeat(5000), ORIGIN)).toBe('/')
  })

  it('accepts a full URL as the origin argument and rejects a non-URL one', () => {
    expect(sanitizeRedirect('/x', 'https://site.test/api/draft-mode/enable?a=1')).toBe('/x')
    expect(() => sanitizeRedirect('/x', 'not a url')).toThrow(TypeError)
  })

  it('carries Vercel bypass parameters from the enable URL', () => {
    const from = new URL(
      `${ORIGIN}/api/enable?x-vercel-protection-bypass=abc&x-vercel-set-bypass-cookie=samesitenone&other=1`,
    )
    expect(withBypassParams('/blog?a=1', from, ORIGIN)).toBe(
      '/blog?a=1&x-vercel-protection-bypass=abc&x-vercel-set-bypass-cookie=samesitenone',
    )
    expect(withBypassParams('/blog', new URL(`${ORIGIN}/api/enable`), ORIGIN)).toBe('/blog')
  })
})

// Percent-encodes a random selection of characters, `rounds` times over.
function encodeSome(input: string, picks: boolean[], rounds: number): string {
  let s = input
  for (let r = 0; r < rounds; r++) {
    s = [...s]
      .map((ch, i) =>
        picks[(i + r) % Math.max(1, picks.length)]
          ? [...new TextEncoder().encode(ch)]
              .map((b) => '%' + b.toString(16).padStart(2, '0'))
              .join('')
          : ch,
      )
      .join('')
  }
  return s
}

const junk = fc.constantFrom(
  '',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u00a0',
)
const slashy = fc.array(fc.constantFrom('/', '\\'), { minLength: 2, maxLength: 4 })
const host = fc.constantFrom('evil.test', 'evil.test/path?x=1', 'site.test@evil.test', '127.0.0.1')
const scheme = fc.constantFrom(
  'javascript',
  'https',
  'http',
  'data',
  'vbscript',
  'file',
  'ftp',
  'blob',
)
const randomCase = (s: string, flips: boolean[]) =>
  [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? c.toUpperCase() : c)).join('')

describe('sanitizeRedirect properties', () => {
  it('always returns a single-slash same-origin path, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (input) => {
        assertSafe(sanitizeRedirect(input, ORIGIN))
      }),
      { numRuns: 2000 },
    )
  })

  it('stays on origin for strings built from URL-meaningful pieces', () => {
    const piece = fc.constantFrom(
      '/',
      '\\',
      '.',
      '..',
      '%',
      '%2f',
      '%2F',
      '%5c',
      '%25',
      '%2e',
      ':',
      '@',
      '?',
      '#',
      '&',
      'evil.test',
      'https:',
      'javascript:',
      ' ',
      '\t',
      '\n',
      '\u0000',
      'galley-preview-secret=x',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        assertSafe(sanitizeRedirect(pieces.join(''), ORIGIN))
      }),
      { numRuns: 3000 },
    )
  })

  it('turns protocol-relative and backslash hosts into /, however they are encoded', () => {
    fc.assert(
      fc.property(
        junk,
        slashy,
        host,
        fc.array(fc.boolean(), { maxLength: 16 }),
        fc.integer({ min: 0, max: 3 }),
        (lead, slashes, h, picks, rounds) => {
          const input = encodeSome(lead + slashes.join('') + h, picks, rounds)
          expect(sanitizeRedirect(input, ORIGIN)).toBe('/')
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('turns every scheme into /, in any case and encoding', () => {
    fc.assert(
      fc.property(
        junk,
        scheme,
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.constantFrom('', '/', '//', '\\\\'),
        host,
        fc.array(fc.boolean(), { maxLength: 16 }),
        fc.integer({ min: 0, max: 3 }),
        (lead, s, flips, sep, h, picks, rounds) => {
          const input = encodeSome(lead + randomCase(s, flips) + ':' + sep + h, picks, rounds)
          expect(sanitizeRedirect(input, ORIGIN)).toBe('/')
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('keeps plain paths unchanged and is idempotent', () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/)
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.string(),
        (segments, any) => {
          const path = '/' + segments.join('/')
          expect(sanitizeRedirect(path, ORIGIN)).toBe(path)
          const once = sanitizeRedirect(any, ORIGIN)
          expect(sanitizeRedirect(once, ORIGIN)).toBe(once)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('never lets a secret parameter through', () => {
    const name = fc.constantFrom(
      'galley-preview-secret',
      'GALLEY-PREVIEW-SECRET',
      'galley%2Dpreview%2Dsecret',
      'galley-preview-pathname',
      'galley-preview-perspective',
    )
    fc.assert(
      fc.property(
        fc.stringMatching(/^\/[a-z]{0,8}$/),
        name,
        fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
        (p, n, v) => {
          const out = sanitizeRedirect(`${p}?a=1&${n}=${v}&b=2`, ORIGIN)
          expect(decodeURIComponent(out).toLowerCase()).not.toMatch(/galley-preview-/)
          expect(out.endsWith('?a=1&b=2')).toBe(true)
        },
      ),
    )
  })
})
