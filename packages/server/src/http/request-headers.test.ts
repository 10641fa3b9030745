import fc from 'fast-check'
import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { NODE_INCOMING, requestHeader } from './request-headers'

const NAMES = [
  'authorization',
  'cookie',
  'origin',
  'if-none-match',
  'x-csrf-token',
  'x-forwarded-for',
]

function nodeContext(rawHeaders: string[]): Context {
  const fail = () => {
    throw new Error('the Web Headers must not be read under serveNode')
  }
  return { env: { [NODE_INCOMING]: { rawHeaders } }, req: { header: fail } } as unknown as Context
}

const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((up) => [...name].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''))

// Values as Node's parser hands them over: visible ASCII and inner spaces, no edge whitespace.
const value = fc.stringMatching(/^[!-~]([ !-~]{0,30}[!-~])?$/).filter((v) => v.trim() === v)

describe('requestHeader', () => {
  it("reads Node's raw headers exactly as Request.headers.get would (repeats, case, cookies)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...NAMES).chain(anyCase), value), { maxLength: 8 }),
        fc.constantFrom(...NAMES),
        (pairs, name) => {
          const web = new Headers(pairs).get(name) ?? undefined
          expect(requestHeader(nodeContext(pairs.flat()), name)).toBe(web)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('two Authorization headers come back as one value that is not a single Bearer token', () => {
    const c = nodeContext(['Authorization', 'Bearer a', 'authorization', 'Bearer b'])
    expect(requestHeader(c, 'authorization')).toBe('Bearer a, Bearer b')
  })

  it('outside serveNode it asks the Web request', () => {
    const c = { env: {}, req: { header: (n: string) => `web:${n}` } } as unknown as Context
    expect(requestHeader(c, 'origin')).toBe('web:origin')
  })
})
