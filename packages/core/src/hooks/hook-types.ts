import type { GalleyContext } from '../documents/galley-types'

type MaybeArray<T> = T | T[]

export interface ChangeHookArgs {
  data: Record<string, unknown>
  originalDoc: Record<string, unknown> | null
  operation: 'create' | 'update'
  draft: boolean
  user: unknown
  /** The Local API bound to this operation's transaction: writes here commit or roll back with it. */
  galley: GalleyContext
}

export interface AfterChangeArgs {
  doc: Record<string, unknown>
  previousDoc: Record<string, unknown> | null
  operation: 'create' | 'update' | 'publish' | 'unpublish' | 'discardDraft' | 'restore'
  user: unknown
  galley: GalleyContext
}

export interface AfterDeleteArgs {
  id: string
  doc: Record<string, unknown> | null
  user: unknown
  galley: GalleyContext
}

/** Collection and global hooks; each may be one function or a list run in order. */
export interface HookConfig {
  /** May return a replacement for `data` before validation. */
  beforeValidate?: MaybeArray<(args: ChangeHookArgs) => unknown>
  /** May return a replacement for `data` after validation, before it is stored. */
  beforeChange?: MaybeArray<(args: ChangeHookArgs) => unknown>
  afterChange?: MaybeArray<(args: AfterChangeArgs) => unknown>
  afterPublish?: MaybeArray<(args: AfterChangeArgs) => unknown>
  afterDelete?: MaybeArray<(args: AfterDeleteArgs) => unknown>
}

/** Normalise a hook option to a list. */
export function hookList<T>(h: MaybeArray<T> | undefined): T[] {
  if (!h) return []
  return Array.isArray(h) ? h : [h]
}
