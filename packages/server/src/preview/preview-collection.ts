import type { AccessConfig, CollectionConfig } from '@galley/core'

/** Slug of the collection that holds preview secrets and shared links (hashes only). */
export const PREVIEW_SECRETS = 'galley-preview-secrets'

const deny = () => false
const serverOnly: AccessConfig = {
  read: deny,
  readDrafts: deny,
  create: deny,
  update: deny,
  publish: deny,
  delete: deny,
}

/**
 * The server's own collection for preview secrets (`kind: 'secret'`) and named shared links
 * (`kind: 'share'`). Only the SHA-256 of a secret is kept. Like the auth collections it is
 * reached only as trusted server code: every access rule denies, and the REST and GraphQL
 * APIs never expose a `galley-*` collection. `withAuth` adds it.
 */
export function previewCollections(): CollectionConfig[] {
  return [
    {
      slug: PREVIEW_SECRETS,
      fields: [
        // Hex SHA-256 of the secret; looked up on every validation.
        { name: 'hash', type: 'text', required: true, unique: true, minLength: 64, maxLength: 64 },
        { name: 'kind', type: 'select', options: ['secret', 'share'], required: true, index: true },
        // The canonical spelling (@galley/perspectives): a name or a comma-joined stack.
        { name: 'perspective', type: 'text', required: true, maxLength: 700 },
        { name: 'singleUse', type: 'checkbox' },
        { name: 'name', type: 'text', maxLength: 100 },
        { name: 'createdBy', type: 'text', maxLength: 400 },
        { name: 'createdById', type: 'text', maxLength: 200 },
        // Absent only for a shared link that lives until it is revoked.
        { name: 'expiresAt', type: 'date', index: true },
        { name: 'lastUsedAt', type: 'date' },
        // A used single-use secret: kept, so the session it made stays tied to a live record.
        { name: 'usedAt', type: 'date' },
      ],
      access: serverOnly,
      versions: { maxPerDoc: 1 },
    },
  ]
}
