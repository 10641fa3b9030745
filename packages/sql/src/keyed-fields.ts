import type { CollectionStorageSpec, PathStep } from '@galley/core/storage'

/**
 * A head carries no content: its content is the revision it points to. It carries only the
 * values of the fields the collection indexes (`index: true`, `unique: true`), in a small
 * JSON column `keys` with the same shape as the content, because an index (and a unique
 * rule per perspective) has to live on the heads table. The where compiler reads those
 * fields from `keys` and everything else from the revision's content; both give the same
 * value for a keyed field.
 */
export interface KeyedFields {
  /** Keyed paths as object keys, shortest first (a group keyed whole covers its members). */
  paths: string[][]
  /** `a.b` for each keyed path, for lookups by the where compiler. */
  names: Set<string>
}

export const NO_KEYED_FIELDS: KeyedFields = { paths: [], names: new Set() }

/** The paths of a collection's indexed fields that can be keyed (array members cannot be indexed). */
export function keyedFieldsOf(spec: CollectionStorageSpec): KeyedFields {
  const names = new Set<string>()
  for (const { info } of spec.indexes) {
    if (info.column || info.steps.some((s: PathStep) => 'each' in s)) continue
    names.add(keysOf(info.steps).join('.'))
  }
  // A path under another keyed path is copied with it; projections then never overlap.
  const sorted = [...names].sort(
    (a, b) => a.split('.').length - b.split('.').length || (a < b ? -1 : 1),
  )
  const paths: string[][] = []
  for (const name of sorted)
    if (!paths.some((p) => name.startsWith(`${p.join('.')}.`))) paths.push(name.split('.'))
  return { paths, names }
}

/** Whether a where path can be read from the keyed values (then an index can serve it). */
export function isKeyed(keyed: KeyedFields, steps: PathStep[]): boolean {
  if (keyed.names.size === 0 || steps.some((s) => 'each' in s)) return false
  return keyed.names.has(keysOf(steps).join('.'))
}

/** The keyed values of `data`, in the same nested shape (missing values are left out). */
export function projectKeys(
  data: Record<string, unknown>,
  keyed: KeyedFields,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const path of keyed.paths) {
    let from: unknown = data
    for (const key of path) {
      if (
        from === null ||
        typeof from !== 'object' ||
        Array.isArray(from) ||
        !Object.hasOwn(from, key)
      ) {
        from = undefined
        break
      }
      from = (from as Record<string, unknown>)[key]
    }
    if (from === undefined) continue
    // Intermediate objects here are always our own: no keyed path lies under another.
    let to = out
    for (const key of path.slice(0, -1)) to = (to[key] ??= {}) as Record<string, unknown>
    to[path[path.length - 1]!] = from
  }
  return out
}

/** The object keys of a path without array steps. */
export function keysOf(steps: PathStep[]): string[] {
  return steps.map((s) => (s as { key: string }).key)
}
