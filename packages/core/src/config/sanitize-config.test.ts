import { describe, expect, it } from 'vitest'
import type { Config, StorageAdapter } from '../index'
import { sanitizeConfig } from './sanitize-config'

const storage = { transaction: async () => undefined } as unknown as StorageAdapter
const bad = (partial: Partial<Config>) => () => sanitizeConfig({ storage, ...partial } as Config)

describe('sanitizeConfig', () => {
  it.each<[string, Partial<Config>, RegExp]>([
    [
      'missing storage',
      { storage: undefined as unknown as StorageAdapter },
      /'storage' is missing: pass sqlite/,
    ],
    [
      'bad slug',
      { collections: [{ slug: 'Posts!', fields: [] }] },
      /slug "Posts!" must be lower-case/,
    ],
    [
      'duplicate collection',
      {
        collections: [
          { slug: 'a', fields: [] },
          { slug: 'a', fields: [] },
        ],
      },
      /'a' is defined twice/,
    ],
    [
      'unknown field type',
      { collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'txt' as 'text' }] }] },
      /collection 'posts', field 'title': unknown type "txt"/,
    ],
    [
      'reserved name',
      { collections: [{ slug: 'posts', fields: [{ name: 'id', type: 'text' }] }] },
      /field 'id': the name is reserved/,
    ],
    [
      'bad field name',
      { collections: [{ slug: 'posts', fields: [{ name: 'my title', type: 'text' }] }] },
      /invalid name "my title"/,
    ],
    [
      'select without options',
      { collections: [{ slug: 'posts', fields: [{ name: 'kind', type: 'select', options: [] }] }] },
      /field 'kind': select needs a non-empty 'options'/,
    ],
    [
      'relationship to nowhere',
      {
        collections: [
          {
            slug: 'posts',
            fields: [{ name: 'author', type: 'relationship', relationTo: 'people' }],
          },
        ],
      },
      /field 'author': relationTo 'people' is not a collection/,
    ],
    [
      'nested field error names the path',
      {
        collections: [
          {
            slug: 'posts',
            fields: [
              {
                name: 'meta',
                type: 'group',
                fields: [{ name: 'score', type: 'number', min: 5, max: 1 }],
              },
            ],
          },
        ],
      },
      /field 'meta.score': min is greater than max/,
    ],
    [
      'unique inside an array',
      {
        collections: [
          {
            slug: 'posts',
            fields: [
              { name: 'rows', type: 'array', fields: [{ name: 'k', type: 'text', unique: true }] },
            ],
          },
        ],
      },
      /field 'rows.k': fields inside an array cannot be unique/,
    ],
    [
      'index inside an array',
      {
        collections: [
          {
            slug: 'posts',
            fields: [
              { name: 'rows', type: 'array', fields: [{ name: 'k', type: 'text', index: true }] },
            ],
          },
        ],
      },
      /field 'rows.k': fields inside an array cannot be indexed .*remove index: true/,
    ],
    [
      'index on hasMany',
      {
        collections: [
          {
            slug: 'posts',
            fields: [{ name: 'tags', type: 'select', hasMany: true, options: ['a'], index: true }],
          },
        ],
      },
      /field 'tags': hasMany fields cannot be indexed .*remove index: true/,
    ],
    [
      'bad maxPerDoc',
      { collections: [{ slug: 'posts', fields: [], versions: { maxPerDoc: 0 } }] },
      /'posts': versions.maxPerDoc must be a whole number/,
    ],
    [
      'unknown access rule',
      { collections: [{ slug: 'posts', fields: [], access: { write: () => true } as never }] },
      /unknown access rule 'write'/,
    ],
    [
      'preview that is not a function',
      { collections: [{ slug: 'posts', fields: [], preview: '/posts/x' as never }] },
      /posts.*preview must be a function of \{ doc \}/,
    ],
    [
      'unknown hook',
      { collections: [{ slug: 'posts', fields: [], hooks: { beforeSave: () => {} } as never }] },
      /unknown hook 'beforeSave'/,
    ],
  ])('%s', (_name, config, message) => {
    expect(bad(config)).toThrow(message)
  })

  it('rejects a bad maxPopulatedDocs', () => {
    expect(bad({ maxPopulatedDocs: -1 })).toThrow(/maxPopulatedDocs must be a whole number/)
  })

  it('derives drafts, autosave and paths', () => {
    const s = sanitizeConfig({
      storage,
      collections: [
        {
          slug: 'posts',
          versions: { drafts: { autosave: { interval: 300 } } },
          fields: [{ name: 'tags', type: 'array', fields: [{ name: 'name', type: 'text' }] }],
        },
      ],
    })
    const posts = s.collections.get('posts')!
    expect(posts).toMatchObject({
      drafts: true,
      autosave: true,
      autosaveInterval: 300,
      maxPerDoc: 100,
    })
    expect(posts.paths.get('tags.name')).toMatchObject({
      many: true,
      steps: [{ key: 'tags' }, { each: true }, { key: 'name' }],
    })
  })
})
