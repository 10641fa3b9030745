import type { Caller } from '../../access/access'
import type { SanitizedCollection } from '../../config/config-types'
import { InputError, ValidationError } from '../../errors'
import { validateFields } from '../../fields/validate-fields'
import { hookList } from '../../hooks/hook-types'
import type { WriteState } from './write-plan'

type Data = Record<string, unknown>

/** How content is being written, as before-hooks and validation see it. */
export interface PrepareOptions {
  draft: boolean
  operation: 'create' | 'update'
  original: Data | null
  caller: Caller
}

/** `data` as an object of field values, or an `InputError`. */
export function requireFieldValues(data: unknown): Data {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('data must be an object of field values.')
  return data as Data
}

/**
 * Content ready to store: beforeValidate hooks, validation (relaxed for drafts, defaults
 * on create), then beforeChange hooks.
 */
export async function prepare(
  coll: SanitizedCollection,
  w: WriteState,
  input: unknown,
  opts: PrepareOptions,
): Promise<Data> {
  let data: Data = { ...requireFieldValues(input) }
  for (const hook of hookList(coll.hooks.beforeValidate))
    data = ((await hook(beforeHookArgs(data, w, opts))) as Data | undefined) ?? data
  const result = await validateFields(coll.fields, data, {
    draft: opts.draft,
    applyDefaults: opts.operation === 'create',
  })
  if (result.errors.length) throw new ValidationError(result.errors, coll.slug)
  data = result.data
  for (const hook of hookList(coll.hooks.beforeChange))
    data = ((await hook(beforeHookArgs(data, w, opts))) as Data | undefined) ?? data
  return data
}

/** Full (or draft) validation of stored content, without hooks: what publishing checks. */
export async function validateOnly(
  coll: SanitizedCollection,
  data: Data,
  draft: boolean,
): Promise<Data> {
  const result = await validateFields(coll.fields, data, { draft, applyDefaults: false })
  if (result.errors.length) throw new ValidationError(result.errors, coll.slug)
  return result.data
}

/** What before-hooks receive (a module function: no closure made per write). */
function beforeHookArgs(data: Data, w: WriteState, opts: PrepareOptions) {
  return {
    data,
    originalDoc: opts.original,
    operation: opts.operation,
    draft: opts.draft,
    user: opts.caller.user,
    galley: w.state.api,
  }
}
