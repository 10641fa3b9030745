import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { gzipSync } from 'node:zlib'
import { MAX_JSON_DEPTH, depthOfJson, readJsonBody } from './read-json-body'

const post = (body: string) =>
  new Request('http://localhost/', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  })

/** The depth of a parsed value, as the tree has it. */
function treeDepth(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0
  const children = Array.isArray(v) ? v : Object.values(v)
  return 1 + Math.max(0, ...children.map(treeDepth))
}

describe('readJsonBody', () => {
  it('reads the depth off the text as the parsed tree has it, strings and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v)
        expect(depthOfJson(text)).toBe(treeDepth(v))
      }),
    )
    expect(depthOfJson('{"a\\"[[[":"]]]\\\\","b":[[{}]]}')).toBe(4)
  })

  it('refuses a compressed body or a charset other than UTF-8 with a 415 that names it', async () => {
    const send = (headers: Record<string, string>) =>
      readJsonBody(
        new Request('http://localhost/', { method: 'POST', body: '{"a":1}', headers }),
        1 << 20,
      )
    for (const [headers, message] of [
      [
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        /Content-Encoding 'gzip'/,
      ],
      [{ 'content-type': 'application/json; charset=utf-16le' }, /charset 'utf-16le'/],
      [{ 'content-type': 'application/json; charset="latin1"' }, /charset 'latin1'/],
    ] as const)
      await expect(send(headers)).rejects.toMatchObject({
        status: 415,
        message: expect.stringMatching(message),
      })
    // A body that really is compressed, or really UTF-16, is refused for that, not as bad text.
    const gzipped = gzipSync('{"a":"gz"}')
    await expect(
      readJsonBody(
        new Request('http://localhost/', {
          method: 'POST',
          body: gzipped,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        }),
        1 << 20,
      ),
    ).rejects.toMatchObject({ status: 415 })
    await expect(
      readJsonBody(
        new Request('http://localhost/', {
          method: 'POST',
          body: Buffer.from('{"a":"é"}', 'utf16le'),
          headers: { 'content-type': 'application/json; charset=utf-16le' },
        }),
        1 << 20,
      ),
    ).rejects.toMatchObject({ status: 415 })
    for (const headers of [
      { 'content-type': 'application/json; charset=UTF-8' } as Record<string, string>,
      { 'content-type': 'application/json;charset=utf8', 'content-encoding': 'identity' },
    ])
      await expect(send(headers)).resolves.toEqual({ a: 1 })
  })

  it('refuses bodies nested too deep, and NUL or lone surrogates written as escapes', async () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)
    await expect(readJsonBody(post(deep), 1 << 20)).rejects.toThrow(/deeper than/)
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)
    await expect(readJsonBody(post(ok), 1 << 20)).resolves.toBeDefined()
    for (const bad of ['{"a":"\\u0000"}', '{"a":["\\uD800"]}', '{"\\udc00":1}'])
      await expect(readJsonBody(post(bad), 1 << 20), bad).rejects.toThrow(/NUL|surrogate/)
    // A pair is fine, and so is text that only looks like an escape.
    await expect(readJsonBody(post('{"a":"\\ud83d\\ude00 \\\\u0000"}'), 1 << 20)).resolves.toEqual({
      a: '\u{1F600} \\u0000',
    })
  })

  it('checks a megabyte of empty arrays for little more than JSON.parse costs', async () => {
    const body = `{"zzz":[${Array.from({ length: 250_000 }, () => '[]').join(',')}]}`
    const time = (f: () => unknown) => {
      const runs: number[] = []
      for (let i = 0; i < 7; i++) {
        const t = performance.now()
        f()
        runs.push(performance.now() - t)
      }
      return runs.sort((a, b) => a - b)[3]!
    }
    for (let i = 0; i < 3; i++) await readJsonBody(post(body), 2 << 20)
    const parse = time(() => JSON.parse(body))
    const runs: number[] = []
    for (let i = 0; i < 7; i++) {
      const t = performance.now()
      await readJsonBody(post(body), 2 << 20)
      runs.push(performance.now() - t)
    }
    const read = runs.sort((a, b) => a - b)[3]!
    // Was 5-6× JSON.parse (two walks of every node).
    expect(read).toBeLessThan(parse * 2.5 + 5)
  })
})
