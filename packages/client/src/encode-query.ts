/** The where operators of Galley's query language. */
export type WhereOperator =
  | 'equals'
  | 'not_equals'
  | 'in'
  | 'not_in'
  | 'exists'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'like'
  | 'contains'

/** A scalar a where condition compares with. */
export type WhereValue = string | number | boolean | Date | null

/** A where tree: `{ 'author.name': { equals: 'Ada' }, or: [{ … }, { … }] }`. */
export interface Where {
  and?: Where[]
  or?: Where[]
  [path: string]:
    Partial<Record<WhereOperator, WhereValue | readonly WhereValue[]>> | Where[] | undefined
}

/**
 * Appends a where tree as `where[field][op]=value` parameters (`where[or][0][…]` for groups).
 * `in`/`not_in` lists are comma-separated, or indexed (`[in][0]=…`) when a value has a comma.
 */
export function appendWhere(params: URLSearchParams, where: Where, prefix = 'where'): void {
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value))
        throw new TypeError(`where.${key} must be an array of where objects.`)
      value.forEach((w, i) => appendWhere(params, w as Where, `${prefix}[${key}][${i}]`))
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`where['${key}'] must be an operator object like { equals: 'x' }.`)
    }
    for (const [op, operand] of Object.entries(value)) {
      if (operand === undefined) continue
      const name = `${prefix}[${key}][${op}]`
      if (Array.isArray(operand)) {
        const values = operand.map((v) => scalar(v, name))
        if (values.some((v) => v.includes(',')))
          values.forEach((v, i) => params.append(`${name}[${i}]`, v))
        else params.append(name, values.join(','))
      } else {
        params.append(name, scalar(operand, name))
      }
    }
  }
}

function scalar(value: unknown, name: string): string {
  if (value === null) return 'null'
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value)
  }
  throw new TypeError(`${name}: expected a string, number, boolean, Date or null.`)
}
