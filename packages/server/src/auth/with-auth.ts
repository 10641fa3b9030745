import {
  ConfigError,
  type AccessConfig,
  type AccessOperation,
  type CollectionConfig,
  type Config,
  type GlobalConfig,
} from '@galley/core'
import { hasRole, ROLES, type AuthUser } from './roles'
import { previewCollections } from '../preview/preview-collection'

/** Slug of the users collection `withAuth` adds. */
export const USERS = 'users'
/** Collections the server keeps its own state in. The REST and GraphQL APIs never expose a `galley-*` collection. */
export const INTERNAL = Object.freeze({
  credentials: 'galley-credentials',
  sessions: 'galley-sessions',
  tokens: 'galley-tokens',
})
export const INTERNAL_PREFIX = 'galley-'

const MARK = Symbol.for('galley.withAuth')

const deny = () => false
const internalAccess: AccessConfig = {
  read: deny,
  readDrafts: deny,
  create: deny,
  update: deny,
  publish: deny,
  delete: deny,
}

/**
 * Role-based default access, filled in for every operation a collection or global leaves
 * open: reading published content is public, a viewer reads drafts, an editor writes and
 * publishes. Rules a config defines itself are kept.
 */
export const ROLE_ACCESS: Readonly<Required<AccessConfig>> = Object.freeze({
  read: () => true,
  readDrafts: ({ user }) => hasRole(user, 'viewer'),
  create: ({ user }) => hasRole(user, 'editor'),
  update: ({ user }) => hasRole(user, 'editor'),
  publish: ({ user }) => hasRole(user, 'editor'),
  delete: ({ user }) => hasRole(user, 'editor'),
})

/** Admins manage users; a signed-in user may read their own record. */
const selfOrAdmin = ({ user }: { user: unknown }) =>
  hasRole(user, 'admin') ? true : user ? { id: { equals: (user as AuthUser).id } } : false
const adminOnly = ({ user }: { user: unknown }) => hasRole(user, 'admin')

function usersCollection(): CollectionConfig {
  return {
    slug: USERS,
    labels: { singular: 'User', plural: 'Users' },
    useAsTitle: 'email',
    fields: [
      { name: 'email', type: 'email', required: true, unique: true, maxLength: 320 },
      { name: 'name', type: 'text', maxLength: 200 },
      { name: 'role', type: 'select', options: [...ROLES], required: true, defaultValue: 'viewer' },
    ],
    access: {
      read: selfOrAdmin,
      readDrafts: selfOrAdmin,
      create: adminOnly,
      update: adminOnly,
      publish: adminOnly,
      delete: adminOnly,
    },
    versions: { maxPerDoc: 20 },
    hooks: {
      // Emails compare case-insensitively at login, so store them in one case.
      beforeValidate: ({ data }) =>
        typeof data.email === 'string' ? { ...data, email: data.email.trim().toLowerCase() } : data,
    },
  }
}

function internalCollections(): CollectionConfig[] {
  const versions = { maxPerDoc: 1 }
  return [
    {
      slug: INTERNAL.credentials,
      fields: [{ name: 'passwordHash', type: 'text', required: true, maxLength: 512 }],
      access: internalAccess,
      versions,
    },
    {
      slug: INTERNAL.sessions,
      fields: [
        { name: 'userId', type: 'text', required: true, index: true },
        { name: 'csrfToken', type: 'text', required: true },
        { name: 'expiresAt', type: 'date', required: true, index: true },
      ],
      access: internalAccess,
      versions,
    },
    {
      slug: INTERNAL.tokens,
      fields: [
        { name: 'name', type: 'text', required: true, unique: true, maxLength: 100 },
        {
          name: 'scope',
          type: 'select',
          options: ['read:published', 'read:drafts', 'write'],
          required: true,
        },
        { name: 'prefix', type: 'text', required: true },
        { name: 'createdBy', type: 'text' },
      ],
      access: internalAccess,
      versions,
    },
  ]
}

function withRoleAccess<C extends CollectionConfig | GlobalConfig>(c: C): C {
  const access: AccessConfig = { ...c.access }
  for (const op of Object.keys(ROLE_ACCESS) as AccessOperation[]) access[op] ??= ROLE_ACCESS[op]
  return { ...c, access }
}

/**
 * Add authentication to a config: a `users` collection (email, name, role — admin,
 * editor or viewer), the server's own collections for password hashes, sessions and API
 * tokens (never exposed over HTTP), and role-based default access (`ROLE_ACCESS`) on every
 * collection and global. Calling it twice is harmless.
 * @example const galley = await createGalley(withAuth(defineConfig({ storage, collections })))
 */
export function withAuth<C extends Config>(config: C): C {
  if ((config as Record<symbol, unknown>)[MARK]) return config
  for (const c of [...(config.collections ?? []), ...(config.globals ?? [])]) {
    if (c.slug === USERS)
      throw new ConfigError(
        `withAuth adds the '${USERS}' collection; rename your '${USERS}' ${'fields' in c ? 'collection' : ''} or drop it.`,
      )
    if (c.slug.startsWith(INTERNAL_PREFIX))
      throw new ConfigError(
        `'${c.slug}': slugs starting with '${INTERNAL_PREFIX}' are reserved for the server's own collections.`,
      )
  }
  const out = {
    ...config,
    collections: [
      ...(config.collections ?? []).map(withRoleAccess),
      usersCollection(),
      ...internalCollections(),
      ...previewCollections(),
    ],
    globals: (config.globals ?? []).map(withRoleAccess),
  }
  Object.defineProperty(out, MARK, { value: true })
  return out
}

/** Whether the server keeps auth state in this engine (the config went through `withAuth`). */
export function hasAuth(collections: ReadonlyMap<string, unknown>): boolean {
  return (
    collections.has(USERS) &&
    collections.has(INTERNAL.sessions) &&
    collections.has(INTERNAL.tokens) &&
    collections.has(INTERNAL.credentials)
  )
}
