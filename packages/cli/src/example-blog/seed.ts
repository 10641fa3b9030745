import type { Galley } from '@galley/core'

const rich = (text: string) => [{ type: 'paragraph', children: [{ text }] }]

/**
 * Example content covering every status: published posts, a never-published draft, a
 * published post with a newer draft ("changed"), a draft-only author, and a settings
 * global with an unpublished change. Fixed ids make it safe to run twice.
 * Returns how many documents it created.
 */
export async function seed(galley: Galley): Promise<number> {
  let created = 0
  const ensure = async (
    collection: string,
    id: string,
    data: Record<string, unknown>,
    opts: { draft?: boolean; thenDraft?: Record<string, unknown> } = {},
  ) => {
    if (await galley.findById({ collection, id, perspective: 'drafts' })) return
    await galley.create({ collection, id, data, draft: opts.draft })
    if (opts.thenDraft) await galley.update({ collection, id, data: opts.thenDraft, draft: true })
    created++
  }
  await ensure('authors', 'ada', { name: 'Ada Lovelace', bio: 'Writes about engines.' })
  await ensure('authors', 'grace', { name: 'Grace Hopper', bio: 'Finds bugs.' })
  await ensure(
    'authors',
    'linus',
    { name: 'Draft Author', bio: 'Not published yet.' },
    { draft: true },
  )

  await ensure('posts', 'hello-world', {
    title: 'Hello, world',
    slug: 'hello-world',
    excerpt: 'The first post on the Galley example blog.',
    body: rich('Welcome to the example blog. This post is published.'),
    author: 'ada',
    tags: ['news'],
    publishedAt: '2026-01-05T09:00:00Z',
    featured: true,
    seo: { title: 'Hello, world — Galley blog', description: 'Our first post.' },
  })
  await ensure(
    'posts',
    'drafts-and-previews',
    {
      title: 'Drafts and previews',
      slug: 'drafts-and-previews',
      excerpt: 'How the draft → preview → publish flow works.',
      body: rich('Edit without touching the live site, preview, then publish.'),
      author: 'grace',
      tags: ['guides'],
      publishedAt: '2026-01-12T09:00:00Z',
    },
    {
      thenDraft: {
        title: 'Drafts, previews and releases',
        excerpt: 'Now with releases (unpublished change).',
      },
    },
  )
  await ensure(
    'posts',
    'coming-soon',
    {
      title: 'Coming soon: scheduled publishing',
      slug: 'coming-soon',
      excerpt: 'A draft that was never published.',
      body: rich('Only editors can see this.'),
      author: 'linus',
      tags: ['release-notes'],
    },
    { draft: true },
  )
  await ensure('posts', 'release-notes-0-1', {
    title: 'Release notes 0.1',
    slug: 'release-notes-0-1',
    excerpt: 'What shipped in the first release.',
    body: rich('REST, GraphQL, drafts, revisions.'),
    author: 'ada',
    tags: ['release-notes', 'news'],
    publishedAt: '2026-02-01T09:00:00Z',
  })

  const settings = await galley.findGlobal({ slug: 'settings', perspective: 'drafts' })
  if (!settings._rev) {
    await galley.updateGlobal({
      slug: 'settings',
      data: {
        siteName: 'Galley Blog',
        tagline: 'Draft, preview, publish.',
        nav: [
          { label: 'Home', url: '/' },
          { label: 'Blog', url: '/blog' },
        ],
      },
    })
    await galley.updateGlobal({
      slug: 'settings',
      data: { tagline: 'Draft, preview, publish — together. (unpublished)' },
      draft: true,
    })
    created++
  }
  return created
}
