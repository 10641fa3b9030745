import type { CollectionConfig } from '@galley/core'

/** The collection of the release crash test, with optional hooks. */
export function crashPosts(hooks: CollectionConfig['hooks'] = {}): CollectionConfig {
  return {
    slug: 'posts',
    versions: { drafts: true },
    hooks,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'body', type: 'textarea' },
    ],
  }
}
