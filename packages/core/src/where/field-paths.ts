import type { Field } from '../fields/field-types'
import type { PathStep, ValueKind } from './where-types'

/** What the query layer knows about one dotted path of a collection. */
export interface FieldPathInfo {
  path: string
  field: Field
  kind: ValueKind
  steps: PathStep[]
  /** The path crosses an array (or hasMany) so conditions mean "any element matches". */
  many: boolean
  column?: 'id' | 'createdAt' | 'updatedAt' | 'status'
}

const KIND: Record<Field['type'], ValueKind> = {
  text: 'text',
  textarea: 'text',
  email: 'text',
  slug: 'text',
  date: 'text',
  select: 'text',
  relationship: 'text',
  number: 'number',
  checkbox: 'boolean',
  richText: 'json',
  json: 'json',
  group: 'json',
  array: 'json',
}

/** The document columns every collection has, queryable beside its fields. */
export const COLUMN_PATHS: Record<string, FieldPathInfo> = {
  id: colInfo('id', 'id', 'text'),
  createdAt: colInfo('createdAt', 'createdAt', 'date'),
  updatedAt: colInfo('updatedAt', 'updatedAt', 'date'),
  _status: colInfo('_status', 'status', 'text'),
}

function colInfo(
  path: string,
  column: FieldPathInfo['column'],
  type: 'text' | 'date',
): FieldPathInfo {
  return {
    path,
    field: { name: path, type },
    kind: 'text',
    steps: [],
    many: false,
    column,
  }
}

/** Walk a field tree and list every queryable dotted path. */
export function collectFieldPaths(fields: Field[]): Map<string, FieldPathInfo> {
  const out = new Map<string, FieldPathInfo>(Object.entries(COLUMN_PATHS))
  const walk = (list: Field[], prefix: string, steps: PathStep[], many: boolean) => {
    for (const field of list) {
      const path = prefix ? `${prefix}.${field.name}` : field.name
      const here: PathStep[] = [...steps, { key: field.name }]
      if (field.type === 'group') {
        out.set(path, { path, field, kind: 'json', steps: here, many })
        walk(field.fields, path, here, many)
      } else if (field.type === 'array') {
        out.set(path, { path, field, kind: 'json', steps: here, many })
        walk(field.fields, path, [...here, { each: true }], true)
      } else if ((field.type === 'relationship' || field.type === 'select') && field.hasMany) {
        out.set(path, { path, field, kind: 'text', steps: [...here, { each: true }], many: true })
      } else {
        out.set(path, { path, field, kind: KIND[field.type], steps: here, many })
      }
    }
  }
  walk(fields, '', [], false)
  return out
}
