import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CHANNEL,
  PROTOCOL_VERSION,
  envelope,
  normaliseOrigins,
  readFrontendMessage,
  readStudioMessage,
} from './protocol'

describe('channel protocol', () => {
  it('refuses wildcard, null and non-http origins, and keeps only the origin of a URL', () => {
    expect(normaliseOrigins(['https://cms.example/admin/', 'http://localhost:4000'], 'x')).toEqual([
      'https://cms.example',
      'http://localhost:4000',
    ])
    expect(() => normaliseOrigins(['*'], 'studioOrigins')).toThrow(
      /studioOrigins may not contain "\*"/,
    )
    expect(() => normaliseOrigins(['null'], 'x')).toThrow(/null/)
    expect(() => normaliseOrigins(['javascript:alert(1)'], 'x')).toThrow(/http/)
    expect(() => normaliseOrigins(['cms.example'], 'x')).toThrow(/absolute/)
    expect(() => normaliseOrigins([], 'x')).toThrow(/at least one/)
  })

  it('reads its own messages and nothing else', () => {
    expect(readStudioMessage(envelope({ type: 'welcome' }))).toMatchObject({ type: 'welcome' })
    expect(
      readStudioMessage(envelope({ type: 'draft', document: 'posts/p1', values: { title: 'x' } })),
    ).toMatchObject({ type: 'draft' })
    expect(readStudioMessage({ type: 'welcome' })).toBeUndefined()
    expect(readStudioMessage({ ...envelope({ type: 'welcome' }), version: 2 })).toBeUndefined()
    expect(
      readStudioMessage(envelope({ type: 'draft', document: 'posts/p1', values: 'x' })),
    ).toBeUndefined()
    expect(
      readStudioMessage(envelope({ type: 'navigate', path: 'https://evil.example/' })),
    ).toBeUndefined()
    for (const path of ['//evil.example/x', '/\\evil.example', '/a\nb'])
      expect(readStudioMessage(envelope({ type: 'navigate', path })), path).toBeUndefined()
    expect(readStudioMessage(envelope({ type: 'navigate', path: '/posts/x?y=1' }))).toBeDefined()
    expect(
      readStudioMessage(envelope({ type: 'edit', document: 'a/b', path: 'x' })),
    ).toBeUndefined()
    expect(
      readFrontendMessage(envelope({ type: 'edit', document: 'a/b', path: 'x' })),
    ).toBeDefined()
    expect(
      readFrontendMessage(envelope({ type: 'draft', document: 'a/b', values: {} })),
    ).toBeUndefined()
  })

  it('property: arbitrary data is never taken for a message unless it carries the envelope', () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        const ok =
          typeof data === 'object' &&
          data !== null &&
          (data as Record<string, unknown>).channel === CHANNEL &&
          (data as Record<string, unknown>).version === PROTOCOL_VERSION
        if (!ok) {
          expect(readStudioMessage(data)).toBeUndefined()
          expect(readFrontendMessage(data)).toBeUndefined()
        }
      }),
    )
  })
})
