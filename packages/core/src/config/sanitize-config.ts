import { ConfigError } from '../errors'
import type { Field, FieldType } from '../fields/field-types'
import { collectFieldPaths } from '../where/field-paths'
import type {
  CollectionConfig,
  Config,
  GlobalConfig,
  SanitizedCollection,
  SanitizedConfig,
} from './config-types'

const SLUG = /^[a-z][a-z0-9-]{0,47}$/
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/
const RESERVED_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'and', 'or'])
const FIELD_TYPES = new Set<FieldType>([
  'text',
  'textarea',
  'richText',
  'number',
  'checkbox',
  'date',
  'select',
  'slug',
  'email',
  'relationship',
  'group',
  'array',
  'json',
])

/**
 * Describe a Galley project. Returns the config unchanged; checks happen in
 * `createGalley` so one start-up error lists the first problem with its collection and field.
 */
export function defineConfig<C extends Config>(config: C): C {
  return config
}

/** Validate a config and derive what the engine needs. Throws `ConfigError`. */
export function sanitizeConfig(config: Config): SanitizedConfig {
  if (!config || typeof config !== 'object')
    throw new ConfigError('Config must be an object from defineConfig({...}).')
  if (!config.storage || typeof config.storage.transaction !== 'function') {
    throw new ConfigError(
      `Config 'storage' is missing: pass sqlite({ file }) from @galley/storage-sqlite or postgres({ connectionString }) from @galley/storage-postgres.`,
    )
  }
  const collections = new Map<string, SanitizedCollection>()
  const globals = new Map<string, SanitizedCollection>()
  for (const [i, c] of (config.collections ?? []).entries()) {
    const s = sanitizeEntity(c, 'collection', `collections[${i}]`)
    if (collections.has(s.slug)) throw new ConfigError(`Collection '${s.slug}' is defined twice.`)
    collections.set(s.slug, s)
  }
  for (const [i, g] of (config.globals ?? []).entries()) {
    const s = sanitizeEntity(g, 'global', `globals[${i}]`)
    if (globals.has(s.slug)) throw new ConfigError(`Global '${s.slug}' is defined twice.`)
    globals.set(s.slug, s)
  }
  // Relationships must point at a collection that exists.
  for (const entity of [...collections.values(), ...globals.values()]) {
    for (const info of entity.paths.values()) {
      const f = info.field
      if (f.type === 'relationship' && !collections.has(f.relationTo)) {
        throw new ConfigError(
          `${entity.kind} '${entity.slug}', field '${info.path}': relationTo '${f.relationTo}' is not a collection. Known: ${[...collections.keys()].join(', ') || 'none'}.`,
        )
      }
    }
  }
  const defaultDepth = config.defaultDepth ?? 0
  const maxDepth = config.maxDepth ?? 5
  if (!Number.isInteger(defaultDepth) || defaultDepth < 0)
    throw new ConfigError(`defaultDepth must be a whole number ≥ 0.`)
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 10)
    throw new ConfigError(`maxDepth must be a whole number from 0 to 10.`)
  const maxPopulatedDocs = config.maxPopulatedDocs ?? 1000
  if (!Number.isInteger(maxPopulatedDocs) || maxPopulatedDocs < 0)
    throw new ConfigError(`maxPopulatedDocs must be a whole number ≥ 0.`)
  return { storage: config.storage, collections, globals, defaultDepth, maxDepth, maxPopulatedDocs }
}

function sanitizeEntity(
  c: CollectionConfig | GlobalConfig,
  kind: 'collection' | 'global',
  at: string,
): SanitizedCollection {
  if (!c || typeof c !== 'object')
    throw new ConfigError(`${at}: expected an object with slug and fields.`)
  if (typeof c.slug !== 'string' || !SLUG.test(c.slug)) {
    throw new ConfigError(
      `${at}: slug ${JSON.stringify(c.slug)} must be lower-case letters, digits and dashes, starting with a letter (max 48).`,
    )
  }
  const name = `${kind} '${c.slug}'`
  if (!Array.isArray(c.fields)) throw new ConfigError(`${name}: 'fields' must be an array.`)
  checkFields(c.fields, name, '')
  const v = c.versions ?? {}
  const draftsOpt = v.drafts ?? false
  const drafts = draftsOpt !== false
  const autosaveOpt = typeof draftsOpt === 'object' ? draftsOpt.autosave : undefined
  const autosave = !!autosaveOpt
  const autosaveInterval = typeof autosaveOpt === 'object' ? (autosaveOpt.interval ?? 800) : 800
  const maxPerDoc = v.maxPerDoc ?? 100
  if (!Number.isInteger(maxPerDoc) || maxPerDoc < 1) {
    throw new ConfigError(
      `${name}: versions.maxPerDoc must be a whole number ≥ 1 (got ${JSON.stringify(maxPerDoc)}).`,
    )
  }
  if (!Number.isFinite(autosaveInterval) || autosaveInterval < 0) {
    throw new ConfigError(`${name}: versions.drafts.autosave.interval must be milliseconds ≥ 0.`)
  }
  for (const [op, fn] of Object.entries(c.access ?? {})) {
    if (!['read', 'readDrafts', 'create', 'update', 'publish', 'delete'].includes(op)) {
      throw new ConfigError(
        `${name}: unknown access rule '${op}'. Use read, readDrafts, create, update, publish or delete.`,
      )
    }
    if (typeof fn !== 'function') throw new ConfigError(`${name}: access.${op} must be a function.`)
  }
  for (const [hook, fns] of Object.entries(c.hooks ?? {})) {
    if (
      !['beforeValidate', 'beforeChange', 'afterChange', 'afterPublish', 'afterDelete'].includes(
        hook,
      )
    ) {
      throw new ConfigError(`${name}: unknown hook '${hook}'.`)
    }
    for (const fn of Array.isArray(fns) ? fns : [fns]) {
      if (typeof fn !== 'function')
        throw new ConfigError(`${name}: hooks.${hook} must be functions.`)
    }
  }
  if (c.preview !== undefined && typeof c.preview !== 'function')
    throw new ConfigError(
      `${name}: preview must be a function of { doc } returning the frontend path, e.g. ({ doc }) => '/posts/' + doc.slug.`,
    )
  const useAsTitle = 'useAsTitle' in c ? c.useAsTitle : undefined
  return {
    ...c,
    fields: c.fields,
    useAsTitle: useAsTitle ?? c.fields.find((f) => f.type === 'text')?.name,
    storageKey: kind === 'global' ? `global:${c.slug}` : c.slug,
    kind,
    drafts,
    autosave,
    autosaveInterval,
    maxPerDoc,
    access: c.access ?? {},
    hooks: c.hooks ?? {},
    paths: collectFieldPaths(c.fields),
  }
}

function checkFields(fields: Field[], entity: string, prefix: string, inArray = false): void {
  const seen = new Set<string>()
  for (const [i, f] of fields.entries()) {
    const raw = f as unknown as Record<string, unknown>
    if (!f || typeof f !== 'object')
      throw new ConfigError(`${entity}: fields[${i}] must be an object.`)
    const path = prefix ? `${prefix}.${String(raw.name)}` : String(raw.name)
    const where = `${entity}, field '${path}'`
    if (typeof f.name !== 'string' || !FIELD_NAME.test(f.name)) {
      throw new ConfigError(
        `${entity}: fields[${i}] has an invalid name ${JSON.stringify(raw.name)}; use letters, digits and _ starting with a letter.`,
      )
    }
    if (!prefix && (RESERVED_FIELDS.has(f.name) || f.name.startsWith('_'))) {
      throw new ConfigError(
        `${where}: the name is reserved (id, createdAt, updatedAt, and, or, and names starting with _).`,
      )
    }
    if (seen.has(f.name)) throw new ConfigError(`${where}: defined twice.`)
    seen.add(f.name)
    if (!FIELD_TYPES.has(f.type)) {
      throw new ConfigError(
        `${where}: unknown type ${JSON.stringify(raw.type)}. Use one of: ${[...FIELD_TYPES].join(', ')}.`,
      )
    }
    if (f.validate !== undefined && typeof f.validate !== 'function')
      throw new ConfigError(`${where}: validate must be a function.`)
    if (
      (f.unique || f.index) &&
      (f.type === 'group' || f.type === 'array' || f.type === 'json' || f.type === 'richText')
    ) {
      throw new ConfigError(`${where}: ${f.type} fields cannot be unique or indexed.`)
    }
    if (f.unique && inArray)
      throw new ConfigError(`${where}: fields inside an array cannot be unique.`)
    if (f.unique && 'hasMany' in f && f.hasMany)
      throw new ConfigError(`${where}: hasMany fields cannot be unique.`)
    // An index holds one value per document; these hold many (each element would need its
    // own entry), so `index: true` here would promise lookups that still read every document.
    if (f.index && 'hasMany' in f && f.hasMany)
      throw new ConfigError(
        `${where}: hasMany fields cannot be indexed (a lookup by one of their values reads the collection); remove index: true.`,
      )
    if (f.index && inArray)
      throw new ConfigError(
        `${where}: fields inside an array cannot be indexed (a lookup reads the collection); remove index: true.`,
      )
    switch (f.type) {
      case 'select':
        if (!Array.isArray(f.options) || f.options.length === 0)
          throw new ConfigError(`${where}: select needs a non-empty 'options' list.`)
        for (const o of f.options) {
          const value = typeof o === 'string' ? o : o?.value
          if (typeof value !== 'string')
            throw new ConfigError(`${where}: each option must be a string or { label, value }.`)
        }
        break
      case 'relationship':
        if (typeof f.relationTo !== 'string')
          throw new ConfigError(`${where}: relationship needs 'relationTo' (a collection slug).`)
        break
      case 'group':
      case 'array':
        if (!Array.isArray(f.fields) || f.fields.length === 0)
          throw new ConfigError(`${where}: ${f.type} needs a non-empty 'fields' list.`)
        checkFields(f.fields, entity, path, inArray || f.type === 'array')
        break
      case 'number':
        for (const k of ['min', 'max'] as const) {
          if (f[k] !== undefined && !Number.isFinite(f[k]))
            throw new ConfigError(`${where}: ${k} must be a number.`)
        }
        if (f.min !== undefined && f.max !== undefined && f.min > f.max)
          throw new ConfigError(`${where}: min is greater than max.`)
        break
      case 'text':
      case 'textarea':
      case 'slug':
      case 'email':
        for (const k of ['minLength', 'maxLength'] as const) {
          if (f[k] !== undefined && (!Number.isInteger(f[k]) || (f[k] as number) < 0))
            throw new ConfigError(`${where}: ${k} must be a whole number ≥ 0.`)
        }
        break
    }
  }
}
