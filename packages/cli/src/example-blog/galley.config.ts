import { join } from 'node:path'
import { defineConfig } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { postgres } from '@galley/storage-postgres'
import type { ServerOptions } from '@galley/server'
import type { ProjectContext } from '../load-project'

export { seed } from './seed'

/**
 * Server options of the example blog, for its Next.js site (examples/next-blog) at
 * GALLEY_SITE_URL (default http://localhost:3000): preview links open the site's draft-mode
 * route, and with REVALIDATE_SECRET set every publish calls the site's revalidation route,
 * signed with that secret (`npm run dev` sets both).
 */
export function server({ env }: ProjectContext): Omit<ServerOptions, 'galley'> {
  const site = (env.GALLEY_SITE_URL || 'http://localhost:3000').replace(/\/+$/, '')
  const secret = env.REVALIDATE_SECRET
  return {
    preview: { url: `${site}/api/draft` },
    // The Studio's presentation view frames the site; the overlay opens fields by these paths.
    presentation: {
      url: site,
      locations: [
        { collection: 'posts', path: '/posts/:slug' },
        { global: 'settings', path: '/about' },
      ],
    },
    webhooks: secret ? [{ url: `${site}/api/revalidate`, secret }] : [],
  }
}

/**
 * The example blog `galley dev` runs when no galley.config.ts is found: posts with an
 * author relationship, authors, and a `settings` global, all with drafts. SQLite under
 * `.galley/`, or PostgreSQL when DATABASE_URL is set.
 */
export default function config({ dataDir, env }: ProjectContext) {
  return defineConfig({
    storage: env.DATABASE_URL
      ? postgres({ connectionString: env.DATABASE_URL, schema: env.GALLEY_PG_SCHEMA })
      : sqlite({ file: join(dataDir, 'blog.db') }),
    defaultDepth: 0,
    collections: [
      {
        slug: 'authors',
        labels: { singular: 'Author', plural: 'Authors' },
        useAsTitle: 'name',
        versions: { drafts: true },
        fields: [
          { name: 'name', type: 'text', required: true, maxLength: 120 },
          { name: 'bio', type: 'textarea' },
        ],
      },
      {
        slug: 'posts',
        labels: { singular: 'Post', plural: 'Posts' },
        useAsTitle: 'title',
        // The site's page of a post, for the Studio's "Open preview".
        preview: ({ doc }) =>
          typeof doc.slug === 'string' && doc.slug ? `/posts/${doc.slug}` : null,
        versions: { drafts: { autosave: true } },
        fields: [
          { name: 'title', type: 'text', required: true, maxLength: 200 },
          { name: 'slug', type: 'slug', required: true, unique: true },
          { name: 'excerpt', type: 'textarea' },
          { name: 'body', type: 'richText' },
          { name: 'author', type: 'relationship', relationTo: 'authors' },
          {
            name: 'tags',
            type: 'select',
            hasMany: true,
            options: ['news', 'guides', 'release-notes'],
          },
          { name: 'publishedAt', type: 'date' },
          { name: 'featured', type: 'checkbox', defaultValue: false },
          {
            name: 'seo',
            type: 'group',
            fields: [
              { name: 'title', type: 'text' },
              { name: 'description', type: 'textarea' },
            ],
          },
        ],
      },
    ],
    globals: [
      {
        slug: 'settings',
        label: 'Site settings',
        preview: () => '/',
        versions: { drafts: true },
        fields: [
          { name: 'siteName', type: 'text', required: true },
          { name: 'tagline', type: 'text' },
          {
            name: 'nav',
            type: 'array',
            fields: [
              { name: 'label', type: 'text', required: true },
              { name: 'url', type: 'text', required: true },
            ],
          },
        ],
      },
    ],
  })
}
