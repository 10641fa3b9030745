import { InputError } from '@galley/core'

/** The `data` argument of a write: an object of field values (the JSON scalar takes any value). */
export function dataArg(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('data must be an object of field values.')
  return data as Record<string, unknown>
}
