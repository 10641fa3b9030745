import { GraphQLEnumType } from 'graphql'
import { InputError } from '@galley/core'

/** The `data` argument of a write: an object of field values (the JSON scalar takes any value). */
export function dataArg(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('data must be an object of field values.')
  return data as Record<string, unknown>
}

/** The statuses a write may ask for (`changed` is reported, never written). */
export const WriteStatus = new GraphQLEnumType({
  name: 'WriteStatus',
  description:
    "What a write makes of the document, as `_status` in data does: 'draft' saves the draft (on an update without draft: true it also unpublishes), 'published' publishes.",
  values: {
    draft: { value: 'draft' },
    published: { value: 'published' },
  },
})

/** The `_status` argument of create and update mutations. */
export const statusArg = { _status: { type: WriteStatus } }

/**
 * The write's data with the `_status` argument in it, where the Local API reads it. The
 * argument and `_status` in data may both be given only when they agree.
 */
export function dataWithStatus(
  data: unknown,
  status: string | null | undefined,
): Record<string, unknown> {
  const fields = dataArg(data)
  if (status === null || status === undefined) return fields
  if ('_status' in fields && fields._status !== status)
    throw new InputError(
      `_status is '${status}' as an argument but ${JSON.stringify(fields._status)} in data: send it once.`,
    )
  return { ...fields, _status: status }
}
