'use client'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { documentKey, liveStore, mergeLiveValues, type MergeOptions } from '../live-store'

/**
 * `rendered` with the Studio's unsaved values laid over it, re-rendering on every keystroke
 * in the Studio without a request (see `mergeLiveValues`); `rendered` itself outside the
 * Studio or when nothing was typed. Use it in a client component fed the fetched document.
 *
 * @example
 * const post = useLiveDocument(initialPost, { collection: 'posts', id: initialPost.id })
 */
export function useLiveDocument<T>(
  rendered: T,
  source: { collection: string; id: string } | { global: string },
  options?: MergeOptions,
): T {
  const key = documentKey(source)
  const subscribe = useCallback((fn: () => void) => liveStore.subscribe(key, fn), [key])
  const read = useCallback(() => liveStore.get(key), [key])
  const values = useSyncExternalStore(subscribe, read, () => undefined)
  const related = options?.related
  return useMemo(
    () => mergeLiveValues(rendered, values, key, { related }),
    [rendered, values, key, related],
  )
}
