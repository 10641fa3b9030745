import { describe, expect, it } from 'vitest'
import { appendWhere } from './encode-query'

const encode = (where: Parameters<typeof appendWhere>[1]) => {
  const params = new URLSearchParams()
  appendWhere(params, where)
  return [...params]
}

describe('appendWhere', () => {
  it('writes where[field][op]=value, dotted paths included', () => {
    expect(
      encode({
        title: { equals: 'Hello & bye' },
        'author.name': { like: 'Ad' },
        views: { gt: 10 },
        featured: { equals: true },
        deletedAt: { exists: false },
        publishedAt: { lt: new Date('2024-01-02T03:04:05.000Z') },
        subtitle: { equals: null },
        skipped: { equals: undefined },
      }),
    ).toEqual([
      ['where[title][equals]', 'Hello & bye'],
      ['where[author.name][like]', 'Ad'],
      ['where[views][gt]', '10'],
      ['where[featured][equals]', 'true'],
      ['where[deletedAt][exists]', 'false'],
      ['where[publishedAt][lt]', '2024-01-02T03:04:05.000Z'],
      ['where[subtitle][equals]', 'null'],
    ])
  })

  it('writes nested and/or groups with indices', () => {
    expect(
      encode({
        or: [{ a: { equals: 1 } }, { and: [{ b: { equals: 2 } }, { c: { not_equals: 3 } }] }],
      }),
    ).toEqual([
      ['where[or][0][a][equals]', '1'],
      ['where[or][1][and][0][b][equals]', '2'],
      ['where[or][1][and][1][c][not_equals]', '3'],
    ])
  })

  it('joins lists with commas unless a value has one', () => {
    expect(encode({ tags: { in: ['a', 'b'] } })).toEqual([['where[tags][in]', 'a,b']])
    expect(encode({ tags: { not_in: ['a,b', 'c'] } })).toEqual([
      ['where[tags][not_in][0]', 'a,b'],
      ['where[tags][not_in][1]', 'c'],
    ])
  })

  it('refuses shapes the server would refuse', () => {
    expect(() => encode({ title: 'x' as never })).toThrow(/operator object/)
    expect(() => encode({ or: {} as never })).toThrow(/array/)
    expect(() => encode({ title: { equals: { nested: 1 } as never } })).toThrow(TypeError)
  })
})
