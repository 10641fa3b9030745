import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CollectionStorageSpec } from '@galley/core/storage'
import { isKeyed, keyedFieldsOf, projectKeys } from '../src/keyed-fields'

const spec = (...paths: string[]): CollectionStorageSpec =>
  ({
    storageKey: 'x',
    drafts: true,
    indexes: paths.map((p) => ({
      unique: false,
      info: { path: p, steps: p.split('.').map((key) => ({ key })), kind: 'text', many: false },
    })),
  }) as never

/** The value SQLite's json_extract / PostgreSQL's #> find at a path of object keys. */
function at(data: unknown, path: string[]): unknown {
  let x = data
  for (const k of path) {
    if (x === null || typeof x !== 'object' || Array.isArray(x) || !Object.hasOwn(x, k))
      return undefined
    x = (x as Record<string, unknown>)[k]
  }
  return x
}

describe('keyed fields', () => {
  it('copies indexed values in the shape of the content and nothing else', () => {
    const keyed = keyedFieldsOf(spec('slug', 'meta.code', 'meta', 'seo.title'))
    // meta is keyed whole, so meta.code needs no copy of its own
    expect(keyed.paths).toEqual([['meta'], ['slug'], ['seo', 'title']])
    expect(isKeyed(keyed, [{ key: 'meta' }, { key: 'code' }])).toBe(true)
    expect(isKeyed(keyed, [{ key: 'title' }])).toBe(false)
    expect(
      projectKeys({ slug: 's', title: 't', meta: { code: 'c', other: 1 }, seo: null }, keyed),
    ).toEqual({ slug: 's', meta: { code: 'c', other: 1 } })
    expect(projectKeys({ seo: [{ title: 'x' }] }, keyed)).toEqual({})
    expect(projectKeys({ seo: { title: null } }, keyed)).toEqual({ seo: { title: null } })
  })

  it('gives the same value as the content at every keyed path (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c')
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.string({ maxLength: 3 }),
        fc.integer(),
        fc.boolean(),
        fc.array(tie('value'), { maxLength: 2 }),
        fc.dictionary(key, tie('value'), { maxKeys: 3 }),
      ),
    })).value
    const paths = fc.uniqueArray(
      fc.array(key, { minLength: 1, maxLength: 3 }).map((p) => p.join('.')),
      { maxLength: 4 },
    )
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 3 }), paths, (data, names) => {
        const keyed = keyedFieldsOf(spec(...names))
        const keys = projectKeys(data, keyed)
        for (const name of names)
          expect(at(keys, name.split('.'))).toEqual(at(data, name.split('.')))
      }),
      { numRuns: 2000 },
    )
  })
})
