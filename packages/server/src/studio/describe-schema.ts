import {
  decideAccess,
  type AccessOperation,
  type Field,
  type Galley,
  type SanitizedCollection,
} from '@galley/core'
import type {
  CollectionSchema,
  FieldSchema,
  GlobalSchema,
  Permissions,
  StudioSchema,
  VersionsSchema,
} from '@galley/studio'
import { INTERNAL_PREFIX } from '../auth/with-auth'
import type { AuthUser } from '../auth/roles'

const OPERATIONS: readonly AccessOperation[] = [
  'read',
  'readDrafts',
  'create',
  'update',
  'publish',
  'delete',
]

/**
 * The schema the Studio renders, for one caller: collections and globals with labels, fields
 * (types, options, limits, nesting), version settings and what this caller may do. Built from
 * the sanitized config by copying named properties only, so functions (hooks, access rules,
 * validators) and anything else on a config object never reach the response.
 */
export async function describeSchema(
  galley: Galley,
  user: AuthUser,
): Promise<Omit<StudioSchema, 'user' | 'previewUrl'>> {
  const collections: CollectionSchema[] = []
  for (const c of galley.config.collections.values()) {
    if (c.slug.startsWith(INTERNAL_PREFIX)) continue
    const permissions = await permissionsOf(c, user)
    // A collection the caller cannot read at all is left out of the navigation.
    if (!permissions.read && !permissions.readDrafts) continue
    const singular = c.labels?.singular ?? titleOf(c.slug)
    collections.push({
      slug: c.slug,
      labels: { singular, plural: c.labels?.plural ?? titleOf(c.slug) },
      useAsTitle: c.useAsTitle ?? null,
      preview: typeof c.preview === 'function',
      versions: versionsOf(c),
      fields: c.fields.map(describeField),
      permissions,
    })
  }
  const globals: GlobalSchema[] = []
  for (const g of galley.config.globals.values()) {
    const permissions = await permissionsOf(g, user)
    if (!permissions.read && !permissions.readDrafts) continue
    globals.push({
      slug: g.slug,
      label: ('label' in g && typeof g.label === 'string' && g.label) || titleOf(g.slug),
      preview: typeof g.preview === 'function',
      versions: versionsOf(g),
      fields: g.fields.map(describeField),
      permissions,
    })
  }
  return { collections, globals }
}

async function permissionsOf(c: SanitizedCollection, user: AuthUser): Promise<Permissions> {
  const out = {} as Permissions
  for (const op of OPERATIONS) {
    // A rule that throws denies: the Studio then offers nothing it could not do.
    const d = await decideAccess(c, op, { user, overrideAccess: false }).catch(() => ({
      allowed: false,
    }))
    out[op] = d.allowed
  }
  // The server lets a read-only token write nothing whatever the rules say.
  if (user.kind === 'token' && user.scope !== 'write') {
    out.create = out.update = out.publish = out.delete = false
  }
  return out
}

function versionsOf(c: SanitizedCollection): VersionsSchema {
  return {
    drafts: c.drafts,
    autosave: c.autosave,
    autosaveInterval: c.autosaveInterval,
    maxPerDoc: c.maxPerDoc,
  }
}

/** One field, by named properties only. */
export function describeField(f: Field): FieldSchema {
  const out: FieldSchema = {
    name: f.name,
    type: f.type,
    label: typeof f.label === 'string' && f.label ? f.label : labelOf(f.name),
    required: f.required === true,
  }
  if (f.unique) out.unique = true
  if (f.defaultValue !== undefined && isJson(f.defaultValue)) out.defaultValue = f.defaultValue
  if (typeof f.validate === 'function') out.customValidation = true
  switch (f.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'slug':
      copyNumbers(out, f, ['minLength', 'maxLength'])
      break
    case 'number':
      copyNumbers(out, f, ['min', 'max'])
      if (f.integer) out.integer = true
      break
    case 'select':
      out.options = f.options.map((o) =>
        typeof o === 'string' ? { label: o, value: o } : { label: o.label, value: o.value },
      )
      out.hasMany = f.hasMany === true
      break
    case 'relationship':
      out.relationTo = f.relationTo
      out.hasMany = f.hasMany === true
      break
    case 'group':
      out.fields = f.fields.map(describeField)
      break
    case 'array':
      copyNumbers(out, f, ['minRows', 'maxRows'])
      out.fields = f.fields.map(describeField)
      break
  }
  return out
}

function copyNumbers(out: FieldSchema, f: object, keys: ReadonlyArray<keyof FieldSchema>): void {
  for (const k of keys) {
    const v = (f as Record<string, unknown>)[k]
    if (typeof v === 'number' && Number.isFinite(v))
      (out as unknown as Record<string, number>)[k] = v
  }
}

function isJson(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v)
  if (depth > 8) return false
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1))
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).every((x) => isJson(x, depth + 1))
  return false
}

/** A field name as a label: words of camelCase or snake_case, first word capitalised ("publishedAt" → "Published at"). */
export function labelOf(name: string): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .map((w, i) => (i === 0 ? w : /^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()))
  const first = words[0] ?? name
  words[0] = first.charAt(0).toUpperCase() + first.slice(1)
  return words.join(' ')
}

/** A slug as a title: "site-settings" → "Site settings". */
function titleOf(slug: string): string {
  const s = slug.replace(/-/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}
