import pg from 'pg'
import { randomBytes } from 'node:crypto'
import {
  type Config,
  type CollectionConfig,
  type GalleyDoc,
  type GlobalConfig,
  type StorageAdapter,
  createGalley,
} from '@galley/core'
import { matchWhere } from '@galley/core/storage'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'

const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL

if (!PG_URL) {
  if (process.env.CI)
    throw new Error(
      'GALLEY_TEST_POSTGRES_URL is not set, but CI is: the PostgreSQL suite must run in CI.',
    )
  console.log(
    '[galley] PostgreSQL suite skipped: set GALLEY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test to run it.',
  )
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres'
  make(): StorageAdapter
}

const schemas: string[] = []

/** Every store the conformance suite runs against (Kysely's DIALECTS pattern). */
export const STORES: StoreFactory[] = [
  { name: 'sqlite', make: () => sqlite({ file: ':memory:' }) },
  ...(PG_URL
    ? [
        {
          name: 'postgres' as const,
          make: () => {
            const schema = `t_${randomBytes(6).toString('hex')}`
            schemas.push(schema)
            return postgres({ connectionString: PG_URL, schema, pool: { max: 4 } })
          },
        },
      ]
    : []),
]

/** Drop the schemas made by this test file. */
export async function dropTestSchemas(): Promise<void> {
  if (!PG_URL || schemas.length === 0) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await client.end()
}

export const authors: CollectionConfig = {
  slug: 'authors',
  versions: { drafts: true },
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'email', type: 'email' },
  ],
}

export const posts: CollectionConfig = {
  slug: 'posts',
  versions: { drafts: { autosave: true }, maxPerDoc: 50 },
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200 },
    { name: 'slug', type: 'slug', unique: true, index: true },
    { name: 'views', type: 'number', min: 0, index: true },
    { name: 'featured', type: 'checkbox' },
    { name: 'publishedAt', type: 'date' },
    { name: 'category', type: 'select', options: ['news', 'guide', 'opinion'] },
    { name: 'tagsList', type: 'select', hasMany: true, options: ['a', 'b', 'c'] },
    { name: 'author', type: 'relationship', relationTo: 'authors' },
    {
      name: 'meta',
      type: 'group',
      fields: [
        { name: 'description', type: 'textarea' },
        { name: 'score', type: 'number' },
      ],
    },
    { name: 'tags', type: 'array', fields: [{ name: 'name', type: 'text' }] },
    { name: 'body', type: 'richText' },
    { name: 'extra', type: 'json' },
  ],
}

export const settings: GlobalConfig = {
  slug: 'settings',
  versions: { drafts: true },
  fields: [
    { name: 'siteName', type: 'text', required: true, defaultValue: 'My site' },
    { name: 'tagline', type: 'text' },
  ],
}

/** A Galley on a fresh store with the test collections (overridable). */
export function makeGalley(store: StoreFactory, overrides: Partial<Config> = {}) {
  return createGalley({
    storage: store.make(),
    collections: [authors, posts],
    globals: [settings],
    ...overrides,
  })
}

/** A document as `matchWhere` sees it, from what a find returned. */
export function matchTargetOf(d: GalleyDoc): Parameters<typeof matchWhere>[1] {
  return {
    id: d.id,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    status: d._status,
    variant: d._variant,
    data: d,
  }
}
